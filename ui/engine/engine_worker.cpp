#include "ui/engine/engine_worker.h"

#include "core/engine/reward_scorer.h"
#include "core/server/remote_model.h"
#include "core/server/remote_scorer.h"

#include <QMutexLocker>
#include <QSettings>

#include <exception>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace cl {

EngineWorker::EngineWorker() = default;
EngineWorker::~EngineWorker() = default;

void EngineWorker::lowerCurrentThreadPriority() {
#ifdef Q_OS_LINUX
    // On Linux the nice value is per thread; QThread::setPriority has no effect under
    // SCHED_OTHER, so set it directly. Failure is harmless (the thread keeps its priority).
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    setpriority(PRIO_PROCESS, tid, getpriority(PRIO_PROCESS, tid) + 5);
#endif
}

quint64 EngineWorker::postScore(int slot, const ScoreRequest& request) {
    quint64 generation = 0;
    {
        QMutexLocker lock(&m_mutex);
        generation = ++m_generation;
        m_pending[slot] = {request, generation};
        if (m_runningSlot == slot && m_scorer) {
            m_scorer->cancel(); // the running request of this slot is stale now
        }
    }
    QMetaObject::invokeMethod(this, &EngineWorker::drain, Qt::QueuedConnection);
    return generation;
}

void EngineWorker::cancelAll() {
    m_cancelLoad.store(true);
    QMutexLocker lock(&m_mutex);
    m_pending.clear();
    if (m_scorer) {
        m_scorer->cancel();
    }
}

bool EngineWorker::takePending(int& slot, Pending& job) {
    QMutexLocker lock(&m_mutex);
    m_runningSlot = -1;
    if (m_pending.empty()) {
        return false;
    }
    auto it = m_pending.begin(); // lowest slot first: the chosen response is what the user edits
    slot = it->first;
    job = std::move(it->second);
    m_pending.erase(it);
    m_runningSlot = slot;
    // Issue #17: taken under the lock that postScore() and cancelAll() cancel under, so a
    // cancel from now on stops this job even before PairScorer::score() starts.
    job.ticket = m_scorer ? m_scorer->cancelTicket() : 0;
    return true;
}

void EngineWorker::drain() {
    int slot = 0;
    Pending job;
    while (takePending(slot, job)) {
        if (!m_scorer) {
            emit scoreFailed(slot, job.generation, tr("Load a policy and a reference model first."));
            continue;
        }
        m_busy.store(true);
        Result<ResponseScore> result = Error{"unknown internal error"};
        try {
            RunOptions options;
            options.cacheSlot = slot; // each response keeps its own cache (issue #17)
            options.cancelTicket = job.ticket;
            result = m_scorer->score(job.request, options);
        } catch (const std::exception& e) {
            result = Error{e.what()};
        }
        m_busy.store(false);
        if (!result.ok()) {
            if (result.error() != kCancelledMessage) {
                emit scoreFailed(slot, job.generation, QString::fromStdString(result.error()));
            }
            continue; // a cancelled request was superseded or cancelled by the user
        }
        emit scored(slot, job.generation, job.request, result.value());
    }
}

namespace {

/// The pair behind two URLs: both must be URLs (a sentence otherwise).
Result<std::unique_ptr<PairScorer>> connectServers(const std::string& policy,
                                                   const std::string& reference,
                                                   const server::RemoteOptions& options) {
    if (!server::isModelUrl(policy) || !server::isModelUrl(reference)) {
        return Error{"give both the policy and the reference as server URLs "
                     "(http://HOST:PORT/MODEL), or both as folders"};
    }
    auto remote = server::RemoteScorer::connect(policy, reference, options);
    if (!remote) {
        return Error{remote.error()};
    }
    return std::unique_ptr<PairScorer>(std::move(remote).value());
}

} // namespace

void EngineWorker::setServerAccess(const QString& token, const QString& tokenizerDir) {
    m_serverToken = token;
    m_serverTokenizerDir = tokenizerDir;
}

void EngineWorker::load(const QString& policyDir, const QString& referenceDir) {
    m_cancelLoad.store(false);
    m_busy.store(true);
    auto progress = [this](const Progress& p) {
        emit loadProgress(QString::fromStdString(p.stage), p.done, p.total);
        return !m_cancelLoad.load();
    };
    const std::string policyPath = policyDir.toStdString();
    const std::string referencePath = referenceDir.toStdString();
    Result<std::unique_ptr<PairScorer>> result = Error{"unknown internal error"};
    try {
        if (server::isModelUrl(policyPath) || server::isModelUrl(referencePath)) {
            progress({"connecting to the servers", 0, 0});
            server::RemoteOptions remote;
            remote.token = server::bearerToken(m_serverToken.toStdString());
            remote.tokenizerDir = m_serverTokenizerDir.toStdString();
            remote.cancel = &m_cancelLoad; // Cancel stops connecting as it stops a load
            result = connectServers(policyPath, referencePath, remote);
        } else {
            LoadOptions options;
            options.copyWeights = QSettings().value(kCopyWeightsSetting, false).toBool();
            // What a desktop user can do about a pair too large for this machine.
            options.memoryAdvice = tr("free memory, or score them on a GPU server (File ▸ Open "
                                      "models on a server…)")
                                       .toStdString();
            auto local = RewardScorer::load(policyPath, referencePath, options, progress);
            result = local ? Result<std::unique_ptr<PairScorer>>(std::move(local).value())
                           : Result<std::unique_ptr<PairScorer>>(Error{local.error()});
        }
    } catch (const std::exception& e) {
        result = Error{e.what()};
    }
    m_busy.store(false);
    if (!result.ok()) {
        emit loadFailed(result.error() == kCancelledMessage
                            ? tr("Loading was cancelled.")
                            : QString::fromStdString(result.error()));
        return;
    }
    std::unique_ptr<PairScorer> scorer = std::move(result).value();
    scorer->setBeta(m_beta);
    const ModelInfo policy = scorer->policyInfo();
    const ModelInfo reference = scorer->referenceInfo();
    QStringList warnings;
    for (const LoadWarning& w : scorer->loadWarnings()) {
        warnings.append(QString::fromStdString(w.message));
    }
    const std::optional<LoadWarning> raw = scorer->templateWarning("raw");
    const QString rawWarning = raw ? QString::fromStdString(raw->message) : QString();
    {
        QMutexLocker lock(&m_mutex);
        m_scorer.swap(scorer);
    }
    scorer.reset(); // the old pair is freed here, on the worker thread, outside the lock
    emit loadWarnings(warnings, rawWarning);
    emit loaded(policy, reference);
}

void EngineWorker::alternatives(quint64 tag, const ScoreRequest& request, qint64 position, int k,
                                int slot) {
    if (!m_scorer) {
        emit alternativesFailed(tag, tr("Load a policy and a reference model first."));
        return;
    }
    m_busy.store(true);
    Result<Alternatives> result = Error{"unknown internal error"};
    try {
        RunOptions options;
        options.cacheSlot = slot; // the slot's own cache already holds its text
        result = m_scorer->alternatives(request, position, k, options);
    } catch (const std::exception& e) {
        result = Error{e.what()};
    }
    m_busy.store(false);
    if (result.ok()) {
        emit alternativesReady(tag, result.value());
    } else {
        emit alternativesFailed(tag, QString::fromStdString(result.error()));
    }
}

void EngineWorker::runJob(const std::function<void(PairScorer*)>& job) {
    m_busy.store(true);
    m_jobRunning.store(true);
    // A job reports its own errors (engine_job.h); one that escapes still reaches the user,
    // and nothing may escape the thread.
    try {
        job(m_scorer.get());
    } catch (const std::exception& e) {
        emit jobFailed(QString::fromStdString(e.what()));
    } catch (...) {
        emit jobFailed(tr("the engine job stopped with an unknown error"));
    }
    m_jobRunning.store(false);
    m_busy.store(false);
}

void EngineWorker::setBeta(double beta) {
    m_beta = beta;
    if (m_scorer) {
        m_scorer->setBeta(beta);
    }
}

} // namespace cl
