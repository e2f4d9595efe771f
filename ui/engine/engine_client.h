#pragma once
// GUI-side handle of the EngineWorker: starts its QThread, forwards requests (queued) and
// results (as signals on the GUI thread), remembers the loaded pair. The destructor cancels
// whatever runs, quits the thread and waits for it. GUI thread only, except where noted.

#include "ui/engine/engine_types.h"

#include <QObject>
#include <QStringList>
#include <QThread>

#include <functional>

namespace cl {

class EngineWorker;

class EngineClient : public QObject {
    Q_OBJECT
public:
    explicit EngineClient(QObject* parent = nullptr);
    ~EngineClient() override;

    /// Loads a pair off the GUI thread; loaded() or loadFailed() follows. Two server URLs
    /// (http://HOST:PORT/MODEL) connect to the servers instead (issue #16).
    void load(const QString& policyDir, const QString& referenceDir);
    /// For later loads of URLs: the bearer token (empty: $CREDITLENS_TOKEN; held in memory
    /// only) and the tokenizer folder (empty: fetched from a CreditLens server).
    void setServerAccess(const QString& token, const QString& tokenizerDir);
    QString serverTokenizerDir() const { return m_serverTokenizerDir; }
    /// Whether the loaded pair is behind servers (no alternatives, no beam tree).
    bool isRemote() const;
    bool isLoading() const { return m_loading; }
    bool isLoaded() const { return m_loaded; }
    const ModelInfo& policyInfo() const { return m_policy; }
    const ModelInfo& referenceInfo() const { return m_reference; }
    /// The loaded pair's load warnings (PairScorer::loadWarnings), one sentence each.
    const QStringList& loadWarnings() const { return m_loadWarnings; }
    /// The warning for the "raw" template with the loaded tokenizer; empty when none applies.
    const QString& rawTemplateWarning() const { return m_rawTemplateWarning; }
    QString policyDir() const { return m_policyDir; }
    QString referenceDir() const { return m_referenceDir; }

    /// Latest-wins scoring of `slot`; returns the request's generation.
    quint64 score(int slot, const ScoreRequest& request);
    /// Top-K alternatives of `slot`'s response; returns the tag alternativesReady or
    /// alternativesFailed carry.
    quint64 requestAlternatives(const ScoreRequest& request, qint64 position, int k = 10,
                                int slot = 0);
    void setBeta(double beta);
    /// Posts `job` to the engine thread, after the work already queued there; returns at once.
    /// Used by the beam-search views (ui/common/engine_job.h: EngineRunner).
    void runJob(std::function<void(PairScorer*)> job);
    /// Cancels loading and scoring now (atomic flags; returns immediately).
    void cancel();
    /// True while the worker runs a model (any thread).
    bool busy() const;
    /// True while a posted job runs (any thread); score requests wait until it ends.
    bool jobRunning() const;

signals:
    void loadProgress(const QString& stage, qint64 done, qint64 total);
    void loaded(const cl::ModelInfo& policy, const cl::ModelInfo& reference);
    void loadFailed(const QString& message);
    void scored(int slot, quint64 generation, const cl::ScoreRequest& request,
                const cl::ResponseScore& score);
    void scoreFailed(int slot, quint64 generation, const QString& message);
    void alternativesReady(quint64 tag, const cl::Alternatives& alternatives);
    void alternativesFailed(quint64 tag, const QString& message);
    /// A runJob() job failed with an exception it did not report itself.
    void jobFailed(const QString& message);

private:
    QThread m_thread;
    EngineWorker* m_worker = nullptr; // lives on m_thread, deleted when it finishes
    bool m_loading = false;
    bool m_loaded = false;
    ModelInfo m_policy;
    ModelInfo m_reference;
    QStringList m_loadWarnings;
    QString m_rawTemplateWarning;
    QStringList m_pendingWarnings; // of the load in flight, until loaded()
    QString m_pendingRawWarning;
    QString m_policyDir;
    QString m_referenceDir;
    QString m_pendingPolicy;
    QString m_pendingReference;
    quint64 m_alternativesTag = 0;
    QString m_serverTokenizerDir;
};

} // namespace cl
