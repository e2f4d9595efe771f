#include "ui/window/demo_launcher.h"

#include "ui/editor/prompt_pane.h"
#include "ui/window/pair_loader.h"
#include "ui/window/session_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace cl {

QString DemoLauncher::findDemoDir(const QStringList& candidates) {
    for (const QString& dir : candidates) {
        if (QFileInfo::exists(dir + "/policy/config.json") &&
            QFileInfo::exists(dir + "/reference/config.json")) {
            return QDir(dir).canonicalPath();
        }
    }
    return {};
}

QString DemoLauncher::demoDir() {
    return findDemoDir(
        {QCoreApplication::applicationDirPath() + "/../share/creditlens/demo", // installed
         QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo")});          // build tree
}

DemoLauncher::Files DemoLauncher::filesIn(const QString& dir) {
    Files files;
    files.policy = dir + "/policy";
    files.reference = dir + "/reference";
    if (QFileInfo::exists(dir + "/pairs.jsonl")) {
        files.pairs = dir + "/pairs.jsonl";
    }
    for (const char* run : {"dpo_from_sft", "dpo_without_sft"}) {
        if (QFileInfo::exists(dir + "/" + run + "/trainer_state.json")) {
            files.logs << dir + "/" + run + "/trainer_state.json";
        }
    }
    return files;
}

DemoLauncher::DemoLauncher(SessionController* sessions, PairLoader* pairs, PromptPane* prompt,
                           QObject* parent)
    : QObject(parent), m_sessions(sessions), m_pairs(pairs), m_prompt(prompt) {}

void DemoLauncher::open() {
    const QString dir = demoDir();
    if (dir.isEmpty()) {
        emit failed(tr("No demo installed"),
                    tr("The demo models (share/creditlens/demo) were not found next to this "
                       "program."));
        return;
    }
    if (!m_sessions->confirmDiscard()) {
        return;
    }
    const Files files = filesIn(dir);
    m_sessions->whileApplying([this] {
        m_prompt->setTemplateName("tldr");
        m_prompt->setBeta(0.1);
    });
    m_pairs->open(files.policy, files.reference);
    if (!files.pairs.isEmpty()) {
        m_sessions->openPreferences(files.pairs);
    }
    if (!files.logs.isEmpty()) {
        emit trainingLogsFound(files.logs);
    }
    m_sessions->setModified(false);
}

} // namespace cl
