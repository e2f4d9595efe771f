#pragma once
// The engine side of the beam GUI tests: a policy/reference pair from the GPT-NeoX fixtures
// (gpt_neox_parallel as policy, gpt_neox_sequential as reference, stories260k's tokenizer
// symlinked in) loaded into a RewardScorer, and an EngineRunner that runs jobs on its own
// QThread as the app's EngineWorker does. block()/release() hold the engine thread so a test can
// act while a job is queued but not started.

#include "core/engine/reward_scorer.h"
#include "tests/core/scoring_fixture.h"
#include "ui/common/engine_job.h"

#include <QMetaObject>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

namespace cl::test {

class BeamEngine {
public:
    BeamEngine() {
        m_context.moveToThread(&m_thread);
        m_thread.start();
    }
    ~BeamEngine() {
        release();
        m_thread.quit();
        m_thread.wait();
    }

    /// Loads the pair; false with the reason in error() (fixtures missing, bad files).
    bool load(double beta = 0.5) {
        if (!m_tmp.isValid()) {
            m_error = QStringLiteral("no temporary directory");
            return false;
        }
        const QString policy = makeModelFolder(m_tmp, "gpt_neox_parallel", "policy");
        const QString reference = makeModelFolder(m_tmp, "gpt_neox_sequential", "reference");
        auto loaded = RewardScorer::load(policy.toStdString(), reference.toStdString());
        if (!loaded) {
            m_error = QString::fromStdString(loaded.error());
            return false;
        }
        m_scorer = std::move(loaded).value();
        m_scorer->setBeta(beta);
        return true;
    }
    QString error() const { return m_error; }
    RewardScorer* scorer() const { return m_scorer.get(); }
    QThread* thread() { return &m_thread; }

    /// Posts jobs to the engine thread with the loaded scorer (nullptr before load()).
    EngineRunner runner() {
        return [this](EngineJob job) {
            QMetaObject::invokeMethod(
                &m_context, [this, job = std::move(job)] { job(m_scorer.get()); },
                Qt::QueuedConnection);
        };
    }

    /// Holds the engine thread until release(): jobs posted meanwhile wait behind it.
    void block() {
        m_blocked = true;
        QMetaObject::invokeMethod(
            &m_context, [this] { m_gate.acquire(); }, Qt::QueuedConnection);
    }
    void release() {
        if (m_blocked) {
            m_blocked = false;
            m_gate.release();
        }
    }

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<RewardScorer> m_scorer;
    QThread m_thread;
    QObject m_context; // lives on m_thread; jobs are posted to it
    QSemaphore m_gate;
    bool m_blocked = false;
    QString m_error;
};

} // namespace cl::test
