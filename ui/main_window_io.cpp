// MainWindow's file wiring: choosing and loading folders, recent pairs, drag and drop, sessions
// and autosave, figure/data export and the clipboard.

#include "ui/main_window.h"

#include "ui/app_actions.h"
#include "ui/editor/compare_panel.h"
#include "ui/engine/engine_client.h"
#include "ui/common/figure_renderer.h"
#include "ui/model_panel.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/template_default.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/token_data_export.h"
#include "ui/editor/workbench.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

namespace cl {

namespace {

constexpr int kMaxRecentPairs = 8;
const QString kSessionFilter = QObject::tr("CreditLens sessions (*.clsession *.json)");

} // namespace

void MainWindow::chooseFolder(bool policy) {
    const QString start = policy ? m_policyDir : m_referenceDir;
    const QString dir = QFileDialog::getExistingDirectory(
        this, policy ? tr("Open policy model folder") : tr("Open reference model folder"), start);
    if (dir.isEmpty()) {
        return;
    }
    (policy ? m_policyDir : m_referenceDir) = dir;
    startLoad();
}

void MainWindow::openPair(const QString& policyDir, const QString& referenceDir,
                          const QString& prompt, const QString& response) {
    m_policyDir = policyDir;
    m_referenceDir = referenceDir;
    m_pendingPrompt = prompt.isEmpty() ? QString() : prompt;
    m_pendingResponse = response.isEmpty() ? QString() : response;
    startLoad();
}

void MainWindow::startLoad() {
    if (m_policyDir.isEmpty() || m_referenceDir.isEmpty()) {
        statusBar()->showMessage(m_policyDir.isEmpty()
                                     ? tr("Now open the policy folder (Ctrl+O).")
                                     : tr("Now open the reference folder (Ctrl+Shift+O)."),
                                 8000);
        return;
    }
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("loading %p%"));
    m_progress->show();
    m_cancelButton->show();
    m_engine->load(m_policyDir, m_referenceDir);
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

void MainWindow::applyDefaultTemplate() {
    // Issue #17: the template follows the model (chat template, the TL;DR demo, else raw),
    // unless a session being restored brought its own.
    PromptPane* prompt = m_workbench->promptPane();
    if (m_keepTemplate) {
        m_keepTemplate = false;
        prompt->setTemplateNote(tr("Template: as saved in the session."));
        return;
    }
    const TemplateChoice choice =
        defaultTemplateFor(m_engine->policyDir(), m_engine->referenceDir(), demoDir());
    prompt->setTemplateName(choice.name);
    prompt->setTemplateNote(choice.reason);
}

void MainWindow::addRecentPair(const QString& policy, const QString& reference) {
    QSettings settings;
    QStringList pairs = settings.value("recentPairs").toStringList();
    const QString entry = policy + '\n' + reference;
    pairs.removeAll(entry);
    pairs.prepend(entry);
    settings.setValue("recentPairs", pairs.mid(0, kMaxRecentPairs));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    QMenu* menu = m_actions->recentPairsMenu();
    menu->clear();
    const QStringList pairs = QSettings().value("recentPairs").toStringList();
    for (int i = 0; i < pairs.size(); ++i) {
        const QStringList parts = pairs[i].split('\n');
        if (parts.size() != 2) {
            continue;
        }
        QAction* a = menu->addAction(QString("&%1 %2 vs %3")
                                         .arg(i + 1)
                                         .arg(QFileInfo(parts[0]).fileName(),
                                              QFileInfo(parts[1]).fileName()));
        a->setToolTip(parts.join(" — "));
        connect(a, &QAction::triggered, this, [this, parts] { openPair(parts[0], parts[1]); });
    }
    menu->setEnabled(!menu->isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    // Model folders have a config.json; other folders and files are sessions, preference pairs
    // or training logs (for the Training Curves view).
    QStringList folders;
    QStringList logs;
    for (const QUrl& url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        const QString path = info.absoluteFilePath();
        if (info.isDir()) {
            (QFileInfo::exists(path + "/config.json") ? folders : logs) << path;
        } else if (info.suffix() == "clsession") {
            openSessionFile(path);
        } else if (info.suffix() == "jsonl" && PreferenceSet::load(path).ok()) {
            openPreferenceFile(path);
        } else if (info.isFile() && Session::load(path).ok()) {
            openSessionFile(path);
        } else if (info.isFile()) {
            logs << path;
        }
    }
    if (!logs.isEmpty()) {
        openTrainingLogs(logs);
    }
    if (folders.size() >= 2) {
        openPair(folders[0], folders[1]);
    } else if (folders.size() == 1) {
        // One folder: it fills whichever side is missing, policy first.
        (m_policyDir.isEmpty() || !m_referenceDir.isEmpty() ? m_policyDir : m_referenceDir) =
            folders[0];
        if (!m_referenceDir.isEmpty() && m_policyDir == folders[0] && m_engine->isLoaded()) {
            m_referenceDir.clear(); // a new policy on a loaded pair: ask for its reference
        }
        startLoad();
    }
    event->acceptProposedAction();
}

Session MainWindow::currentSession() const {
    Session s;
    s.policyDir = m_engine->isLoaded() ? m_engine->policyDir() : m_policyDir;
    s.referenceDir = m_engine->isLoaded() ? m_engine->referenceDir() : m_referenceDir;
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

void MainWindow::applySession(const Session& s) {
    m_applying = true;
    m_workbench->promptPane()->setTemplateName(s.templateName);
    m_workbench->promptPane()->setBeta(s.beta);
    m_workbench->promptPane()->setPrompt(s.prompt);
    m_workbench->responsePane(0)->editor()->setPlainText(s.response);
    m_workbench->responsePane(1)->editor()->setPlainText(s.rejectedResponse);
    m_actions->compareMode->setChecked(s.compare);
    m_actions->pinColorRange->setChecked(s.colorPinned);
    m_workbench->setColorPinned(s.colorPinned, s.colorLimit);
    m_applying = false;
    if (!s.preferencesFile.isEmpty() && QFileInfo(s.preferencesFile).isFile()) {
        auto set = PreferenceSet::load(s.preferencesFile);
        if (set.ok()) {
            m_applying = true;
            m_compare->setPreferenceSet(std::move(set).value(), s.preferencesFile, s.preferenceIndex);
            // The session's own texts win over the pair's (the user may have edited them).
            m_workbench->responsePane(0)->editor()->setPlainText(s.response);
            m_workbench->responsePane(1)->editor()->setPlainText(s.rejectedResponse);
            m_applying = false;
        }
    }
    const bool samePair = m_engine->isLoaded() && m_engine->policyDir() == s.policyDir &&
                          m_engine->referenceDir() == s.referenceDir;
    if (!samePair && !s.policyDir.isEmpty() && !s.referenceDir.isEmpty()) {
        m_keepTemplate = true; // the session's template, not the model's default
        openPair(s.policyDir, s.referenceDir);
    } else {
        m_workbench->rescoreNow();
    }
}

bool MainWindow::openSessionFile(const QString& path) {
    const Result<Session> session = Session::load(path);
    if (!session.ok()) {
        showError(tr("Could not open the session"), QString::fromStdString(session.error()));
        return false;
    }
    applySession(session.value());
    m_sessionPath = path;
    setModified(false);
    updateTitle();
    return true;
}

bool MainWindow::saveSessionFile(const QString& path) {
    const Status status = currentSession().save(path);
    if (!status.ok()) {
        showError(tr("Could not save the session"), QString::fromStdString(status.error()));
        return false;
    }
    m_sessionPath = path;
    setModified(false);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
    return true;
}

bool MainWindow::saveSession(bool askPath) {
    QString path = m_sessionPath;
    if (askPath || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save session"), path, kSessionFilter);
        if (path.isEmpty()) {
            return false;
        }
        if (QFileInfo(path).suffix().isEmpty()) {
            path += ".clsession";
        }
    }
    return saveSessionFile(path);
}

void MainWindow::chooseSessionToOpen() {
    if (!confirmDiscard()) {
        return;
    }
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open session"), m_sessionPath, kSessionFilter);
    if (!path.isEmpty()) {
        openSessionFile(path);
    }
}

bool MainWindow::openPreferenceFile(const QString& path) {
    auto set = PreferenceSet::load(path);
    if (!set.ok()) {
        showError(tr("Could not open the preference pairs"), QString::fromStdString(set.error()));
        return false;
    }
    const size_t warnings = set->warnings().size();
    m_compare->setPreferenceSet(std::move(set).value(), path, 0);
    if (warnings > 0) {
        statusBar()->showMessage(tr("%1: %2 lines skipped").arg(path).arg(warnings), 8000);
    }
    return true;
}

QString MainWindow::autosavePath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir + "/autosave.clsession";
}

void MainWindow::writeAutosave() {
    currentSession().save(autosavePath()); // best effort; a failure here must not interrupt
}

bool MainWindow::restoreAutosave() {
    const QString path = autosavePath();
    if (!QFileInfo::exists(path)) {
        return false;
    }
    const Result<Session> session = Session::load(path);
    if (!session.ok()) {
        return false;
    }
    applySession(session.value());
    setModified(true); // restored work is not saved anywhere yet
    statusBar()->showMessage(tr("Restored unsaved work from the last run."), 8000);
    return true;
}

bool MainWindow::confirmDiscard() {
    if (!m_modified) {
        return true;
    }
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"), tr("The session has unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) {
        return saveSession(false);
    }
    return answer == QMessageBox::Discard;
}

void MainWindow::exportFigure() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    if (panels.empty()) {
        showError(tr("Nothing to export"), tr("Score a response first."));
        return;
    }
    QSettings settings;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export figure"), settings.value("export/lastFigure", "rewards.png").toString(),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty()) {
        return;
    }
    if (QFileInfo(path).suffix().isEmpty()) {
        path += ".png";
    }
    FigureOptions options;
    options.limit = m_workbench->colorLimit();
    options.widthInches = settings.value("export/widthInches", 6.5).toDouble();
    options.dpi = settings.value("export/dpi", 300).toInt();
    options.caption = m_workbench->promptPane()->prompt().left(300);
    if (QFileInfo(path).suffix().toLower() == "png") {
        bool ok = false;
        options.dpi = QInputDialog::getInt(this, tr("Export PNG"), tr("Resolution (DPI):"),
                                           options.dpi, 72, 1200, 1, &ok);
        if (!ok) {
            return;
        }
        settings.setValue("export/dpi", options.dpi);
    }
    QString error;
    if (!FigureRenderer(panels, options).save(path, &error)) {
        showError(tr("Export failed"), error);
        return;
    }
    settings.setValue("export/lastFigure", path);
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
}

void MainWindow::exportData() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    if (panels.empty()) {
        showError(tr("Nothing to export"), tr("Score a response first."));
        return;
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Export token data"), "tokens.csv",
                                                tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (!TokenDataExport::save(path, panels, &error)) {
        showError(tr("Export failed"), error);
    }
}

void MainWindow::copyHtml() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    auto* mime = new QMimeData;
    mime->setHtml(TokenDataExport::toHtml(panels, m_workbench->colorLimit()));
    QStringList plain;
    for (const FigurePanel& p : panels) {
        plain << p.text;
    }
    mime->setText(plain.join("\n\n"));
    QApplication::clipboard()->setMimeData(mime);
    statusBar()->showMessage(tr("Copied the colored response as HTML."), 3000);
}

QString MainWindow::demoDir() {
    const QStringList candidates = {
        QCoreApplication::applicationDirPath() + "/../share/creditlens/demo", // installed
        QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo")};          // build tree
    for (const QString& dir : candidates) {
        if (QFileInfo::exists(dir + "/policy/config.json") &&
            QFileInfo::exists(dir + "/reference/config.json")) {
            return QDir(dir).canonicalPath();
        }
    }
    return {};
}

void MainWindow::openDemo() {
    // The embedded experiment (resources/demo): DPO policy vs its SFT reference, held-out
    // preference pairs stepped through in compare mode, and the two training logs.
    const QString dir = demoDir();
    if (dir.isEmpty()) {
        showError(tr("No demo installed"),
                  tr("The demo models (share/creditlens/demo) were not found next to this "
                     "program."));
        return;
    }
    if (!confirmDiscard()) {
        return;
    }
    m_applying = true;
    m_workbench->promptPane()->setTemplateName("tldr");
    m_workbench->promptPane()->setBeta(0.1);
    m_applying = false;
    openPair(dir + "/policy", dir + "/reference");
    if (QFileInfo::exists(dir + "/pairs.jsonl")) {
        openPreferenceFile(dir + "/pairs.jsonl");
    }
    QStringList logs;
    for (const char* run : {"dpo_from_sft", "dpo_without_sft"}) {
        if (QFileInfo::exists(dir + "/" + run + "/trainer_state.json")) {
            logs << dir + "/" + run + "/trainer_state.json";
        }
    }
    if (!logs.isEmpty() && m_curves) {
        openTrainingLogs(logs);
    }
    setModified(false);
}

} // namespace cl
