#include "ui/common/engine_task.h"

#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>

#include <exception>

namespace cl {

// The engine thread posts to the task through this link. The task clears `owner` under the
// mutex when it dies, so a job never posts to a deleted object; an event already posted is
// discarded by Qt together with its receiver.
struct EngineTask::Shared {
    QMutex mutex;
    EngineTask* owner = nullptr;
    std::atomic<bool> cancel{false};

    void post(std::function<void(EngineTask*)> fn) {
        QMutexLocker lock(&mutex);
        if (EngineTask* task = owner) {
            QMetaObject::invokeMethod(
                task, [task, fn = std::move(fn)] { fn(task); }, Qt::QueuedConnection);
        }
    }
};

EngineTask::EngineTask(QObject* parent) : QObject(parent) {}

EngineTask::~EngineTask() {
    if (m_current) {
        QMutexLocker lock(&m_current->mutex);
        m_current->owner = nullptr;
        m_current->cancel.store(true);
    }
}

bool EngineTask::start(Work work) {
    if (!m_runner) {
        return false;
    }
    if (m_current) { // supersede: the old job stops at its next step, its outcome is dropped
        QMutexLocker lock(&m_current->mutex);
        m_current->owner = nullptr;
        m_current->cancel.store(true);
    }
    m_current = std::make_shared<Shared>();
    m_current->owner = this;
    const quint64 generation = ++m_generation;
    m_running = true;
    m_runner([shared = m_current, work = std::move(work), generation](PairScorer* scorer) {
        const ProgressFn progress = [shared, generation](const Progress& p) {
            const QString stage = QString::fromStdString(p.stage);
            shared->post([generation, p, stage](EngineTask* task) {
                if (task->m_generation == generation) {
                    emit task->progress(p.done, p.total, stage);
                }
            });
            return !shared->cancel.load();
        };
        Result<Deliver> outcome = Error{"unknown internal error"};
        if (shared->cancel.load()) {
            outcome = Error{kCancelledMessage};
        } else {
            try {
                outcome = work(scorer, progress, &shared->cancel);
            } catch (const std::exception& e) {
                outcome = Error{e.what()};
            } catch (...) {
                outcome = Error{"unknown internal error"};
            }
        }
        shared->post([generation, outcome = std::move(outcome)](EngineTask* task) {
            task->settle(generation, outcome);
        });
    });
    return true;
}

void EngineTask::cancel() {
    if (m_current) {
        m_current->cancel.store(true);
    }
}

void EngineTask::settle(quint64 generation, const Result<Deliver>& outcome) {
    if (generation != m_generation) {
        return; // superseded
    }
    m_running = false;
    if (outcome.ok()) {
        if (outcome.value()) {
            outcome.value()();
        }
        emit finished();
    } else if (outcome.error() == kCancelledMessage) {
        emit cancelled();
    } else {
        emit failed(QString::fromStdString(outcome.error()));
    }
}

} // namespace cl
