#pragma once
// One cancellable piece of work on the engine thread, seen from the GUI thread: it wraps a
// function into an EngineJob, hands it to the host's EngineRunner, forwards progress, and
// brings the outcome back as a closure run on the GUI thread. Starting again supersedes the
// running job (its flag is set and its outcome dropped). GUI thread only.

#include "core/common/progress.h"
#include "core/common/result.h"
#include "ui/common/engine_job.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace cl {

class EngineTask : public QObject {
    Q_OBJECT
public:
    /// What to do on the GUI thread with a successful outcome.
    using Deliver = std::function<void()>;
    /// Runs on the engine thread: compute with `scorer` (nullptr when no pair is loaded), pass
    /// `progress` and `cancel` to the core call, return the GUI-side delivery or an Error.
    /// Exceptions are caught and reported as failures.
    using Work = std::function<Result<Deliver>(PairScorer* scorer, const ProgressFn& progress,
                                               const std::atomic<bool>* cancel)>;

    explicit EngineTask(QObject* parent = nullptr);
    /// Cancels a running job; its outcome is dropped (the job itself ends at its next step).
    ~EngineTask() override;

    void setRunner(EngineRunner runner) { m_runner = std::move(runner); }
    bool hasRunner() const { return static_cast<bool>(m_runner); }

    /// Starts `work` through the runner. Returns false (and emits nothing) without a runner.
    bool start(Work work);
    /// Sets the running job's atomic cancel flag directly (no queued call); the core call stops
    /// at its next step and cancelled() follows.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    /// Engine-thread progress, delivered on the GUI thread (done of total units; total 0 =
    /// unknown).
    void progress(qint64 done, qint64 total, const QString& stage);
    /// The job succeeded; its Deliver closure has just run.
    void finished();
    void failed(const QString& message);
    void cancelled();

private:
    struct Shared;
    void settle(quint64 generation, const Result<Deliver>& outcome);

    EngineRunner m_runner;
    std::shared_ptr<Shared> m_current; // the latest job's link back to this object
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace cl
