#include "ui/engine/engine_client.h"

#include "ui/engine/engine_worker.h"

#include "core/server/remote_model.h"

namespace cl {

EngineClient::EngineClient(QObject* parent) : QObject(parent) {
    m_thread.setObjectName("EngineWorker");
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // Worker signals arrive here queued, on the GUI thread.
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineClient::loadProgress);
    // Emitted by the worker right before loaded(), so it arrives first (same queue).
    connect(m_worker, &EngineWorker::loadWarnings, this,
            [this](const QStringList& warnings, const QString& rawTemplateWarning) {
                m_pendingWarnings = warnings;
                m_pendingRawWarning = rawTemplateWarning;
            });
    connect(m_worker, &EngineWorker::loaded, this,
            [this](const ModelInfo& policy, const ModelInfo& reference) {
                m_loading = false;
                m_loaded = true;
                m_policy = policy;
                m_reference = reference;
                m_policyDir = m_pendingPolicy;
                m_referenceDir = m_pendingReference;
                m_loadWarnings = m_pendingWarnings;
                m_rawTemplateWarning = m_pendingRawWarning;
                emit loaded(policy, reference);
            });
    connect(m_worker, &EngineWorker::loadFailed, this, [this](const QString& message) {
        m_loading = false;
        emit loadFailed(message);
    });
    connect(m_worker, &EngineWorker::scored, this, &EngineClient::scored);
    connect(m_worker, &EngineWorker::scoreFailed, this, &EngineClient::scoreFailed);
    connect(m_worker, &EngineWorker::alternativesReady, this, &EngineClient::alternativesReady);
    connect(m_worker, &EngineWorker::alternativesFailed, this, &EngineClient::alternativesFailed);
    connect(m_worker, &EngineWorker::jobFailed, this, &EngineClient::jobFailed);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &EngineWorker::lowerCurrentThreadPriority,
                              Qt::QueuedConnection);
}

EngineClient::~EngineClient() {
    m_worker->cancelAll();
    m_thread.quit();
    m_thread.wait();
}

void EngineClient::load(const QString& policyDir, const QString& referenceDir) {
    m_worker->cancelAll(); // a running score or load is pointless now
    m_loading = true;
    m_pendingPolicy = policyDir;
    m_pendingReference = referenceDir;
    QMetaObject::invokeMethod(m_worker, "load", Qt::QueuedConnection, Q_ARG(QString, policyDir),
                              Q_ARG(QString, referenceDir));
}

void EngineClient::setServerAccess(const QString& token, const QString& tokenizerDir) {
    m_serverTokenizerDir = tokenizerDir;
    QMetaObject::invokeMethod(m_worker, "setServerAccess", Qt::QueuedConnection,
                              Q_ARG(QString, token), Q_ARG(QString, tokenizerDir));
}

bool EngineClient::isRemote() const {
    return m_loaded && server::isModelUrl(m_policyDir.toStdString());
}

quint64 EngineClient::score(int slot, const ScoreRequest& request) {
    return m_worker->postScore(slot, request);
}

quint64 EngineClient::requestAlternatives(const ScoreRequest& request, qint64 position, int k,
                                          int slot) {
    const quint64 tag = ++m_alternativesTag;
    QMetaObject::invokeMethod(m_worker, "alternatives", Qt::QueuedConnection,
                              Q_ARG(quint64, tag), Q_ARG(cl::ScoreRequest, request),
                              Q_ARG(qint64, position), Q_ARG(int, k), Q_ARG(int, slot));
    return tag;
}

void EngineClient::setBeta(double beta) {
    QMetaObject::invokeMethod(m_worker, "setBeta", Qt::QueuedConnection, Q_ARG(double, beta));
}

void EngineClient::runJob(std::function<void(PairScorer*)> job) {
    EngineWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, job = std::move(job)] { worker->runJob(job); }, Qt::QueuedConnection);
}

void EngineClient::cancel() {
    m_worker->cancelAll();
}

bool EngineClient::jobRunning() const {
    return m_worker->jobRunning();
}

bool EngineClient::busy() const {
    return m_worker->busy();
}

} // namespace cl
