#include "ui/window/pair_loader.h"

#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/template_default.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/window/server_dialog.h"

#include <QFileDialog>

namespace cl {

namespace {

/// A pair behind servers has no folder to read here: its tokenizer (fetched or given) decides,
/// and the engine already said whether it names a chat template (the "raw" warning).
TemplateChoice remoteTemplate(const QString& rawTemplateWarning) {
    if (rawTemplateWarning.isEmpty()) {
        return {"raw", QObject::tr("Template: raw (the tokenizer has no chat template).")};
    }
    return {"chat", QObject::tr("Template: the model's chat template (from its tokenizer).")};
}

} // namespace

PairLoader::PairLoader(EngineClient* engine, QWidget* dialogParent)
    : QObject(dialogParent), m_engine(engine), m_dialogParent(dialogParent) {
    // A session's template is kept for its own load only; a failed load forgets it.
    connect(m_engine, &EngineClient::loadFailed, this, [this] { m_keepTemplate = false; });
}

void PairLoader::open(const QString& policyDir, const QString& referenceDir,
                      const QString& prompt, const QString& response) {
    m_policyDir = policyDir;
    m_referenceDir = referenceDir;
    m_pendingPrompt = prompt.isEmpty() ? QString() : prompt;
    m_pendingResponse = response.isEmpty() ? QString() : response;
    start();
}

void PairLoader::openKeepingTemplate(const QString& policyDir, const QString& referenceDir) {
    m_keepTemplate = true;
    open(policyDir, referenceDir);
}

void PairLoader::openFolders(const QStringList& folders) {
    if (folders.size() >= 2) {
        open(folders[0], folders[1]);
        return;
    }
    if (folders.size() != 1) {
        return;
    }
    (m_policyDir.isEmpty() || !m_referenceDir.isEmpty() ? m_policyDir : m_referenceDir) =
        folders[0];
    if (!m_referenceDir.isEmpty() && m_policyDir == folders[0] && m_engine->isLoaded()) {
        m_referenceDir.clear(); // a new policy on a loaded pair: ask for its reference
    }
    start();
}

void PairLoader::chooseFolder(bool policy) {
    const QString start = policy ? m_policyDir : m_referenceDir;
    const QString dir = QFileDialog::getExistingDirectory(
        m_dialogParent,
        policy ? tr("Open policy model folder") : tr("Open reference model folder"), start);
    if (dir.isEmpty()) {
        return;
    }
    (policy ? m_policyDir : m_referenceDir) = dir;
    this->start();
}

void PairLoader::chooseServers(const QStringList& urls) {
    ServerDialog dialog(m_dialogParent);
    ServerChoice kept = dialog.choice();
    kept.token = m_serverToken;
    dialog.setChoice(ServerDialog::withDroppedUrls(kept, urls));
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    dialog.remember();
    const ServerChoice c = dialog.choice();
    m_serverToken = c.token;
    m_engine->setServerAccess(c.token, c.tokenizerDir);
    open(c.policyUrl, c.referenceUrl);
}

void PairLoader::start() {
    if (m_policyDir.isEmpty() || m_referenceDir.isEmpty()) {
        emit folderMissing(m_policyDir.isEmpty()
                               ? tr("Now open the policy folder (Ctrl+O).")
                               : tr("Now open the reference folder (Ctrl+Shift+O)."));
        return;
    }
    emit loadStarted();
    m_engine->load(m_policyDir, m_referenceDir);
}

void PairLoader::fillEditors(Workbench* workbench, const QString& demoDir) {
    // Issue #17: the template follows the model (chat template, the TL;DR demo, else raw),
    // unless a session being restored brought its own.
    PromptPane* prompt = workbench->promptPane();
    if (m_keepTemplate) {
        m_keepTemplate = false;
        prompt->setTemplateNote(tr("Template: as saved in the session."));
    } else {
        const TemplateChoice choice =
            m_engine->isRemote() ? remoteTemplate(m_engine->rawTemplateWarning())
                                 : defaultTemplateFor(m_engine->policyDir(),
                                                      m_engine->referenceDir(), demoDir);
        prompt->setTemplateName(choice.name);
        prompt->setTemplateNote(choice.reason);
    }
    if (!m_pendingPrompt.isNull()) {
        prompt->setPrompt(m_pendingPrompt);
    }
    if (!m_pendingResponse.isNull()) {
        workbench->responsePane(0)->editor()->setPlainText(m_pendingResponse);
    }
    m_pendingPrompt = m_pendingResponse = QString();
}

} // namespace cl
