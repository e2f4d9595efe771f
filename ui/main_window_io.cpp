// MainWindow's file operations, forwarded to the controllers of ui/window/ (pairs, sessions,
// autosave, the demo), and what the window shows about a load: progress, warnings.

#include "ui/main_window.h"

#include "ui/editor/prompt_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/model_panel.h"
#include "ui/window/autosave_controller.h"
#include "ui/window/dataset_dock.h"
#include "ui/window/demo_launcher.h"
#include "ui/window/pair_loader.h"
#include "ui/window/session_controller.h"

#include <QDockWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace cl {

void MainWindow::openPair(const QString& policyDir, const QString& referenceDir,
                          const QString& prompt, const QString& response) {
    m_pairs->open(policyDir, referenceDir, prompt, response);
}

void MainWindow::openDemo() { m_demo->open(); }

QString MainWindow::demoDir() { return DemoLauncher::demoDir(); }

DatasetView* MainWindow::datasetView() const { return m_datasetDock->view(); }

bool MainWindow::openDataset(const QString& path) { return m_datasetDock->openFile(path); }

bool MainWindow::openSessionFile(const QString& path) { return m_sessions->openFile(path); }

bool MainWindow::saveSessionFile(const QString& path) { return m_sessions->saveFile(path); }

bool MainWindow::openPreferenceFile(const QString& path) {
    return m_sessions->openPreferences(path);
}

Session MainWindow::currentSession() const { return m_sessions->current(); }

void MainWindow::applySession(const Session& session) { m_sessions->apply(session); }

bool MainWindow::restoreAutosave() { return m_autosave->restore(); }

QString MainWindow::autosavePath() { return AutosaveController::path(); }

bool MainWindow::isModified() const { return m_sessions->isModified(); }

void MainWindow::setModified(bool modified) { m_sessions->setModified(modified); }

void MainWindow::showLoadStarted() {
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("loading %p%"));
    m_progress->show();
    m_cancelButton->show();
}

void MainWindow::showLoadWarnings() {
    // Issues #14/#15: what loads but deserves a word. The Models panel keeps the sentences;
    // the status bar says that there are some.
    const QStringList warnings = m_engine->loadWarnings();
    m_models->setLoadWarnings(warnings);
    m_models->setTemplateWarning({});
    updateTemplateWarning();
    const int count = m_models->warnings().size();
    if (count == 0) {
        return;
    }
    statusBar()->showMessage(count == 1 ? m_models->warnings().front()
                                        : tr("%1 warnings about this pair: see the Models panel")
                                              .arg(count),
                             15000);
    if (auto* dock = findChild<QDockWidget*>("modelsDock")) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::updateTemplateWarning() {
    const bool raw = m_workbench->promptPane()->templateName() == QLatin1String("raw");
    const QString warning =
        raw && m_engine->isLoaded() ? m_engine->rawTemplateWarning() : QString();
    if (warning == m_models->templateWarning()) {
        return; // typing in the prompt changes nothing here
    }
    m_models->setTemplateWarning(warning);
    if (!warning.isEmpty()) {
        statusBar()->showMessage(warning, 15000);
    }
}

} // namespace cl
