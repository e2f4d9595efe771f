#include "ui/window/session_controller.h"

#include "ui/app_actions.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/compare_panel.h"
#include "ui/editor/preference_set.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/window/pair_loader.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QWidget>

namespace cl {

namespace {

QString sessionFilter() {
    return QObject::tr("CreditLens sessions (*.clsession *.json)");
}

} // namespace

SessionController::SessionController(QWidget* window, Workbench* workbench,
                                     ComparePanel* compare, AppActions* actions,
                                     EngineClient* engine, PairLoader* pairs)
    : QObject(window), m_window(window), m_workbench(workbench), m_compare(compare),
      m_actions(actions), m_engine(engine), m_pairs(pairs) {}

void SessionController::setModified(bool modified) {
    m_modified = modified;
    emit modifiedChanged(modified);
}

Session SessionController::current() const {
    Session s;
    s.policyDir = m_engine->isLoaded() ? m_engine->policyDir() : m_pairs->policyDir();
    s.referenceDir = m_engine->isLoaded() ? m_engine->referenceDir() : m_pairs->referenceDir();
    s.prompt = m_workbench->promptPane()->prompt();
    s.response = m_workbench->responsePane(0)->editor()->text();
    s.rejectedResponse = m_workbench->responsePane(1)->editor()->text();
    s.compare = m_workbench->compareMode();
    s.beta = m_workbench->promptPane()->beta();
    s.templateName = m_workbench->promptPane()->templateName();
    s.colorPinned = m_workbench->colorPinned();
    s.colorLimit = m_workbench->colorLimit();
    s.preferencesFile = m_compare->preferencePath();
    s.preferenceIndex = m_compare->currentIndex();
    return s;
}

void SessionController::apply(const Session& s) {
    whileApplying([&] {
        m_workbench->promptPane()->setTemplateName(s.templateName);
        m_workbench->promptPane()->setBeta(s.beta);
        m_workbench->promptPane()->setPrompt(s.prompt);
        m_workbench->responsePane(0)->editor()->setPlainText(s.response);
        m_workbench->responsePane(1)->editor()->setPlainText(s.rejectedResponse);
        m_actions->compareMode->setChecked(s.compare);
        m_actions->pinColorRange->setChecked(s.colorPinned);
        m_workbench->setColorPinned(s.colorPinned, s.colorLimit);
    });
    if (!s.preferencesFile.isEmpty() && QFileInfo(s.preferencesFile).isFile()) {
        auto set = PreferenceSet::load(s.preferencesFile);
        if (set.ok()) {
            whileApplying([&] {
                m_compare->setPreferenceSet(std::move(set).value(), s.preferencesFile,
                                            s.preferenceIndex);
                // The session's own texts win over the pair's (the user may have edited them).
                m_workbench->responsePane(0)->editor()->setPlainText(s.response);
                m_workbench->responsePane(1)->editor()->setPlainText(s.rejectedResponse);
            });
        }
    }
    const bool samePair = m_engine->isLoaded() && m_engine->policyDir() == s.policyDir &&
                          m_engine->referenceDir() == s.referenceDir;
    if (!samePair && !s.policyDir.isEmpty() && !s.referenceDir.isEmpty()) {
        m_pairs->openKeepingTemplate(s.policyDir, s.referenceDir);
    } else {
        m_workbench->rescoreNow();
    }
}

bool SessionController::openFile(const QString& path) {
    const Result<Session> session = Session::load(path);
    if (!session.ok()) {
        emit failed(tr("Could not open the session"), QString::fromStdString(session.error()));
        return false;
    }
    apply(session.value());
    m_path = path;
    setModified(false);
    emit pathChanged();
    return true;
}

bool SessionController::saveFile(const QString& path) {
    const Status status = current().save(path);
    if (!status.ok()) {
        emit failed(tr("Could not save the session"), QString::fromStdString(status.error()));
        return false;
    }
    m_path = path;
    setModified(false);
    emit pathChanged();
    emit message(tr("Saved %1").arg(path), 4000);
    return true;
}

bool SessionController::save(bool askPath) {
    QString path = m_path;
    if (askPath || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(m_window, tr("Save session"), path, sessionFilter());
        if (path.isEmpty()) {
            return false;
        }
        if (QFileInfo(path).suffix().isEmpty()) {
            path += ".clsession";
        }
    }
    return saveFile(path);
}

void SessionController::chooseAndOpen() {
    if (!confirmDiscard()) {
        return;
    }
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Open session"), m_path, sessionFilter());
    if (!path.isEmpty()) {
        openFile(path);
    }
}

bool SessionController::openPreferences(const QString& path) {
    auto set = PreferenceSet::load(path);
    if (!set.ok()) {
        emit failed(tr("Could not open the preference pairs"),
                    QString::fromStdString(set.error()));
        return false;
    }
    const size_t warnings = set->warnings().size();
    m_compare->setPreferenceSet(std::move(set).value(), path, 0);
    if (warnings > 0) {
        emit message(tr("%1: %2 lines skipped").arg(path).arg(warnings), 8000);
    }
    return true;
}

void SessionController::choosePreferences() {
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open preference pairs"), {}, tr("Preference JSONL (*.jsonl *.json)"));
    if (!path.isEmpty()) {
        openPreferences(path);
    }
}

bool SessionController::confirmDiscard() {
    if (!m_modified) {
        return true;
    }
    const auto answer = QMessageBox::question(
        m_window, tr("Unsaved changes"), tr("The session has unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) {
        return save(false);
    }
    return answer == QMessageBox::Discard;
}

} // namespace cl
