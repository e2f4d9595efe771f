#pragma once
// The one object that owns the models: an EngineWorker lives on its own QThread (see
// EngineClient) and runs every PairScorer call there, so the GUI thread never waits on a model
// (in this process, or behind a server: then it waits on the network instead).
//
// Scoring is "latest wins" per slot (0 = chosen response, 1 = rejected): postScore() stores the
// request and, when the worker is busy with an older request of the same slot, cancels it
// directly through PairScorer::cancel() (an atomic flag; no queued slot involved). A job holds
// the cancel ticket taken when it left the queue, so a cancel between then and the start of the
// model call still stops it. Each slot scores into its own cache slot, so switching
// between the two responses reuses both. Results and errors come back as signals; every slot
// catches everything and emits a failure sentence.

#include "ui/engine/engine_types.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace cl {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    EngineWorker();
    ~EngineWorker() override;

    /// Any thread. Stores `request` as the latest for `slot`, cancels an older one of that slot
    /// that is running, and schedules the work. Returns the request's generation (increasing).
    quint64 postScore(int slot, const ScoreRequest& request);

    /// Any thread. Cancels a running load, score or alternatives call and drops pending scores.
    void cancelAll();

    /// Any thread: true while a load or a score runs (for the status bar).
    bool busy() const { return m_busy.load(); }
    /// Any thread: true while a posted job (beam search, sweep) runs; scores wait behind it.
    bool jobRunning() const { return m_jobRunning.load(); }

    /// Lowers the calling thread's scheduling priority (Linux: nice +5), so that on a busy
    /// machine the GUI thread wins over model work. Threads LibTorch starts from it inherit it.
    static void lowerCurrentThreadPriority();

public slots:
    /// Worker thread. Loads a pair; replaces the previous one only on success. Two server URLs
    /// (http://HOST:PORT/MODEL, issue #16) connect to the servers instead, with the access
    /// setServerAccess() gave.
    void load(const QString& policyDir, const QString& referenceDir);
    /// Worker thread. The bearer token (empty: $CREDITLENS_TOKEN) and the tokenizer folder
    /// (empty: fetched from a CreditLens server) for pairs given as URLs.
    void setServerAccess(const QString& token, const QString& tokenizerDir);
    /// Worker thread. Runs pending score requests until none is left.
    void drain();
    /// Worker thread. Top-K alternatives at token `position` of `request`'s response, scored
    /// in `slot`'s cache.
    void alternatives(quint64 tag, const cl::ScoreRequest& request, qint64 position, int k,
                      int slot);
    /// Worker thread. Sets beta for later scores.
    void setBeta(double beta);
    /// Worker thread. Runs other views' engine work (beam search) with the loaded pair, or
    /// nullptr when none is loaded; the job reports back by itself. An exception that escapes
    /// it is caught here and reported as jobFailed() (issue #18: it was swallowed).
    void runJob(const std::function<void(PairScorer*)>& job);

signals:
    void loadProgress(const QString& stage, qint64 done, qint64 total);
    /// Emitted just before loaded(): the pair's load warnings, and the warning that scoring
    /// with the "raw" template would give (empty when the tokenizer names no chat_template).
    void loadWarnings(const QStringList& warnings, const QString& rawTemplateWarning);
    void loaded(const cl::ModelInfo& policy, const cl::ModelInfo& reference);
    void loadFailed(const QString& message);
    void scored(int slot, quint64 generation, const cl::ScoreRequest& request,
                const cl::ResponseScore& score);
    void scoreFailed(int slot, quint64 generation, const QString& message);
    void alternativesReady(quint64 tag, const cl::Alternatives& alternatives);
    void alternativesFailed(quint64 tag, const QString& message);
    /// A runJob() job threw: its message (or that it threw something unknown).
    void jobFailed(const QString& message);

private:
    struct Pending {
        ScoreRequest request;
        quint64 generation = 0;
        uint64_t ticket = 0; // PairScorer::cancelTicket() when the job left m_pending
    };
    bool takePending(int& slot, Pending& job);

    mutable QMutex m_mutex; // guards m_scorer (pointer swap), m_pending, m_runningSlot
    std::unique_ptr<PairScorer> m_scorer; // RewardScorer, or RemoteScorer for URLs
    std::map<int, Pending> m_pending;
    int m_runningSlot = -1;
    quint64 m_generation = 0;
    double m_beta = 0.1;
    QString m_serverToken;
    QString m_serverTokenizerDir;
    std::atomic<bool> m_cancelLoad{false};
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_jobRunning{false};
};

} // namespace cl
