#include "ui/main_window.h"

#include "ui/app_actions.h"
#include "ui/checkpoint_watcher.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/compare_panel.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/token_inspector.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/model_panel.h"
#include "ui/theme.h"
#include "ui/window/autosave_controller.h"
#include "ui/window/beam_dock.h"
#include "ui/window/curves_dock.h"
#include "ui/window/dataset_dock.h"
#include "ui/window/demo_launcher.h"
#include "ui/window/drop_handler.h"
#include "ui/window/export_controller.h"
#include "ui/window/inspection_controller.h"
#include "ui/window/pair_loader.h"
#include "ui/window/recent_pairs_menu.h"
#include "ui/window/session_controller.h"

#include "ui/beam/beam_view.h"
#include "ui/curves/curves_view.h"
#include "ui/dataset/dataset_view.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace cl {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowIcon(QIcon(":/icons/creditlens.svg"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    // Issue #17: the right docks (inspector, models) run the full height; the bottom ones
    // (curves, beam) sit under the editor, so opening the curves no longer squeezes the
    // inspector's tables to a few rows.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_actions = new AppActions(this);
    m_actions->buildMenus(menuBar());
    m_engine = new EngineClient(this);
    new CheckpointWatcher(m_engine, this); // offers to reload a checkpoint changed on disk
    // Centre: the workbench, and under it the compare summary (shown in compare mode).
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    m_workbench = new Workbench(m_engine, centre);
    m_compare = new ComparePanel(centre);
    m_compare->hide();
    centreLayout->addWidget(m_workbench, 1);
    centreLayout->addWidget(m_compare);
    setCentralWidget(centre);
    createControllers();
    createDocks();

    m_statusLabel = new QLabel(tr("No models loaded: File → Open policy… (Ctrl+O)"), this);
    m_statusLabel->setObjectName("statusLabel");
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName("cancelLoadButton");
    m_cancelButton->hide();
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);

    connectActions();
    connectControllers();
    connectEngine();
    resize(1280, 820);
    restoreWindowState();
    updateTitle();
}

MainWindow::~MainWindow() {
    m_beam->cancel(); // before the engine thread is asked to finish (BeamView contract)
    m_datasetDock->view()->cancel();
    m_engine->cancel();
}

void MainWindow::createControllers() {
    m_pairs = new PairLoader(m_engine, this);
    m_sessions = new SessionController(this, m_workbench, m_compare, m_actions, m_engine, m_pairs);
    m_autosave = new AutosaveController(
        [this] { return m_sessions->current(); },
        [this](const Session& session) {
            m_sessions->apply(session);
            m_sessions->setModified(true); // restored work is not saved anywhere yet
            statusBar()->showMessage(tr("Restored unsaved work from the last run."), 8000);
        },
        this);
    m_recent = new RecentPairsMenu(m_actions->recentPairsMenu(), this);
    m_drops = new DropHandler(this);
    m_demo = new DemoLauncher(m_sessions, m_pairs, m_workbench->promptPane(), this);
    m_exports = new ExportController(this, m_workbench);
}

void MainWindow::createDocks() {
    auto dock = [this](const QString& title, const char* name, QWidget* content,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(content);
        addDockWidget(area, d);
        m_actions->viewMenu()->addAction(d->toggleViewAction());
        return d;
    };
    m_models = new ModelPanel(this);
    m_inspector = new TokenInspector(this);
    QDockWidget* inspectorDock =
        dock(tr("Token inspector"), "inspectorDock", m_inspector, Qt::RightDockWidgetArea);
    inspectorDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    QDockWidget* modelsDock = dock(tr("Models"), "modelsDock", m_models, Qt::RightDockWidgetArea);
    tabifyDockWidget(inspectorDock, modelsDock);
    inspectorDock->raise();
    resizeDocks({inspectorDock}, {380}, Qt::Horizontal);
    m_curvesDock = new CurvesDock(this, m_actions);
    m_curves = m_curvesDock->view();
    m_beam = (new BeamDock(this, m_actions, m_engine, m_workbench, m_curvesDock))->view();
    m_datasetDock = new DatasetDock(
        this, m_actions, m_engine, m_workbench, m_compare,
        [this](const QString& prompt, const QString& chosen, const QString& rejected) {
            showPreferencePair({prompt, chosen, rejected});
        },
        m_curvesDock);
    connect(this, &MainWindow::pairLoaded, m_datasetDock, &DatasetDock::pairLoaded);
    m_inspection = new InspectionController(m_workbench, m_inspector, m_engine, this);
}

void MainWindow::openTrainingLogs(const QStringList& paths) { m_curvesDock->openLogs(paths); }

void MainWindow::connectActions() {
    AppActions* a = m_actions;
    connect(a->openPolicy, &QAction::triggered, m_pairs, [this] { m_pairs->chooseFolder(true); });
    connect(a->openReference, &QAction::triggered, m_pairs,
            [this] { m_pairs->chooseFolder(false); });
    connect(a->openServer, &QAction::triggered, m_pairs, [this] { m_pairs->chooseServers(); });
    connect(a->openSession, &QAction::triggered, m_sessions, &SessionController::chooseAndOpen);
    connect(a->saveSession, &QAction::triggered, m_sessions, [this] { m_sessions->save(false); });
    connect(a->saveSessionAs, &QAction::triggered, m_sessions,
            [this] { m_sessions->save(true); });
    connect(a->exportFigure, &QAction::triggered, m_exports, &ExportController::exportFigure);
    connect(a->exportData, &QAction::triggered, m_exports, &ExportController::exportData);
    connect(a->copyHtml, &QAction::triggered, m_exports, &ExportController::copyHtml);
    connect(a->quit, &QAction::triggered, this, &QWidget::close);
    auto focusedEditor = [this]() -> QPlainTextEdit* {
        if (auto* e = qobject_cast<QPlainTextEdit*>(QApplication::focusWidget())) {
            return e;
        }
        return m_workbench->responsePane(0)->editor();
    };
    connect(a->undo, &QAction::triggered, this, [focusedEditor] { focusedEditor()->undo(); });
    connect(a->redo, &QAction::triggered, this, [focusedEditor] { focusedEditor()->redo(); });
    connect(a->swapResponses, &QAction::triggered, this, [this] {
        RewardEditor* x = m_workbench->responsePane(0)->editor();
        RewardEditor* y = m_workbench->responsePane(1)->editor();
        const QString t = x->text();
        x->setPlainText(y->text());
        y->setPlainText(t);
    });
    connect(a->compareMode, &QAction::toggled, this, [this](bool on) {
        m_workbench->setCompareMode(on);
        m_compare->setVisible(on);
    });
    connect(a->pinColorRange, &QAction::toggled, this,
            [this](bool on) { m_workbench->setColorPinned(on, m_workbench->colorLimit()); });
    ThemeManager::connectActions(a->themeSystem, a->themeLight, a->themeDark);
    connect(a->focusPrompt, &QAction::triggered, this,
            [this] { m_workbench->promptPane()->editor()->setFocus(); });
    connect(a->focusResponse, &QAction::triggered, this,
            [this] { m_workbench->responsePane(0)->editor()->setFocus(); });
    connect(a->fullScreen, &QAction::toggled, this,
            [this](bool on) { setWindowState(windowState().setFlag(Qt::WindowFullScreen, on)); });
    connect(a->rescore, &QAction::triggered, m_workbench, &Workbench::rescoreNow);
    connect(a->cancelWork, &QAction::triggered, m_engine, &EngineClient::cancel);
    connect(a->openPreferences, &QAction::triggered, m_sessions,
            &SessionController::choosePreferences);
    connect(a->nextPair, &QAction::triggered, m_compare, &ComparePanel::next);
    connect(a->previousPair, &QAction::triggered, m_compare, &ComparePanel::previous);
    connect(a->openDemo, &QAction::triggered, m_demo, &DemoLauncher::open);
    connect(a->about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(a->aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);

    connect(m_workbench, &Workbench::statusChanged, this, &MainWindow::updateStatus);
    connect(m_workbench, &Workbench::colorRangeReset, this, [this] {
        const QSignalBlocker block(m_actions->pinColorRange);
        m_actions->pinColorRange->setChecked(false);
    });
    connect(m_workbench, &Workbench::colorPinnedByUser, this, [this] {
        const QSignalBlocker block(m_actions->pinColorRange);
        m_actions->pinColorRange->setChecked(true);
    });
    connect(m_workbench, &Workbench::pairScored, m_compare, &ComparePanel::setPairScores);
    connect(m_workbench, &Workbench::contentChanged, this, [this] {
        if (!m_sessions->isApplying()) {
            m_sessions->setModified(true);
            m_compare->markEdited();
        }
        m_autosave->noteEdit();
    });
    connect(m_compare, &ComparePanel::pairSelected, this, &MainWindow::showPreferencePair);
    connect(m_cancelButton, &QPushButton::clicked, m_engine, &EngineClient::cancel);
}

void MainWindow::connectControllers() {
    auto showMessage = [this](const QString& text, int ms) { statusBar()->showMessage(text, ms); };
    connect(m_pairs, &PairLoader::folderMissing, this,
            [showMessage](const QString& text) { showMessage(text, 8000); });
    connect(m_pairs, &PairLoader::loadStarted, this, &MainWindow::showLoadStarted);
    connect(m_sessions, &SessionController::pathChanged, this, &MainWindow::updateTitle);
    connect(m_sessions, &SessionController::modifiedChanged, this, &QWidget::setWindowModified);
    connect(m_sessions, &SessionController::message, this, showMessage);
    connect(m_sessions, &SessionController::failed, this, &MainWindow::showError);
    connect(m_recent, &RecentPairsMenu::pairChosen, m_pairs,
            [this](const QString& policy, const QString& reference) {
                m_pairs->open(policy, reference);
            });
    connect(m_drops, &DropHandler::sessionDropped, m_sessions, &SessionController::openFile);
    connect(m_drops, &DropHandler::preferencesDropped, m_sessions,
            &SessionController::openPreferences);
    connect(m_drops, &DropHandler::logsDropped, this, &MainWindow::openTrainingLogs);
    connect(m_drops, &DropHandler::modelFoldersDropped, m_pairs, &PairLoader::openFolders);
    // Queued: the dialog opens once the drop has finished.
    connect(m_drops, &DropHandler::serverUrlsDropped, m_pairs, &PairLoader::chooseServers,
            Qt::QueuedConnection);
    connect(m_demo, &DemoLauncher::trainingLogsFound, this, &MainWindow::openTrainingLogs);
    connect(m_demo, &DemoLauncher::failed, this, &MainWindow::showError);
    connect(m_exports, &ExportController::message, this, showMessage);
    connect(m_exports, &ExportController::failed, this, &MainWindow::showError);
    connect(m_curvesDock, &CurvesDock::message, this,
            [showMessage](const QString& text) { showMessage(text, 8000); });
}

void MainWindow::connectEngine() {
    connect(m_workbench->promptPane(), &PromptPane::inputChanged, this,
            &MainWindow::updateTemplateWarning);
    connect(m_engine, &EngineClient::loadProgress, this,
            [this](const QString& stage, qint64 done, qint64 total) {
                m_progress->setRange(0, total > 0 ? 1000 : 0);
                m_progress->setValue(total > 0 ? static_cast<int>(1000.0 * done / total) : 0);
                m_progress->setFormat(stage + " %p%");
            });
    connect(m_engine, &EngineClient::loaded, this,
            [this](const ModelInfo& policy, const ModelInfo& reference) {
                m_progress->hide();
                m_cancelButton->hide();
                m_models->setModels(policy, reference);
                showLoadWarnings();
                m_recent->add(m_engine->policyDir(), m_engine->referenceDir());
                m_lastError.clear();
                updateTitle();
                m_sessions->whileApplying(
                    [this] { m_pairs->fillEditors(m_workbench, DemoLauncher::demoDir()); });
                m_inspection->clear();
                m_workbench->resetScores();
                emit pairLoaded();
            });
    connect(m_engine, &EngineClient::loadFailed, this, [this](const QString& message) {
        m_progress->hide();
        m_cancelButton->hide();
        m_lastError = message;
        updateStatus();
        showError(tr("Could not load the models"), message);
        emit pairLoadFailed(message);
    });
    connect(m_engine, &EngineClient::jobFailed, this, [this](const QString& message) {
        showError(tr("The engine job failed"), message);
    });
}

void MainWindow::showPreferencePair(const PreferencePair& pair) {
    m_sessions->whileApplying([&] {
        if (!m_actions->compareMode->isChecked()) {
            m_actions->compareMode->setChecked(true);
        }
        m_workbench->promptPane()->setPrompt(pair.prompt);
        m_workbench->responsePane(0)->editor()->setPlainText(pair.chosen);
        m_workbench->responsePane(1)->editor()->setPlainText(pair.rejected);
    });
    m_workbench->rescoreNow();
}

void MainWindow::updateStatus() {
    QString text = m_workbench->statusText();
    if (text.isEmpty()) {
        text = m_engine->isLoaded() ? tr("Type a response to see its rewards.")
                                    : tr("No models loaded: File → Open policy… (Ctrl+O)");
    }
    m_statusLabel->setText(text);
}

void MainWindow::updateTitle() {
    QString pair = tr("no models");
    if (m_engine->isLoaded()) {
        pair = QString("%1 vs %2")
                   .arg(QFileInfo(m_engine->policyDir()).fileName(),
                        QFileInfo(m_engine->referenceDir()).fileName());
    }
    const QString path = m_sessions->path();
    const QString session = path.isEmpty() ? tr("untitled") : QFileInfo(path).fileName();
    setWindowTitle(QString("%1 — %2[*]").arg(session, pair));
    setWindowModified(m_sessions->isModified());
}

void MainWindow::showError(const QString& title, const QString& message) {
    // Non-blocking: the window stays usable while the message is up.
    // Core sentences start in lower case (the CLI prefixes "error: "); a dialog starts a sentence.
    QString text = message;
    if (!text.isEmpty() && text[0].isLower()) {
        text[0] = text[0].toUpper();
    }
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName("errorMessage");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About CreditLens"),
        tr("<h3>CreditLens %1</h3><p>Per-token implicit rewards of DPO language models: "
           "r<sub>t</sub> = β (log π<sub>θ</sub> − log π<sub>ref</sub>).</p>"
           "<p>Licensed under the GNU GPL, version 3 or later.</p>")
            .arg(QStringLiteral(CREDITLENS_VERSION)));
}

void MainWindow::restoreWindowState() {
    QSettings settings;
    settings.beginGroup("mainWindow");
    const QByteArray geometry = settings.value("geometry").toByteArray();
    if (!geometry.isEmpty()) {
        restoreGeometry(geometry);
    }
    restoreState(settings.value("state").toByteArray());
}

void MainWindow::saveWindowState() const {
    QSettings settings;
    settings.beginGroup("mainWindow");
    settings.setValue("geometry", saveGeometry());
    settings.setValue("state", saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!m_sessions->confirmDiscard()) {
        event->ignore();
        return;
    }
    saveWindowState();
    m_autosave->discard(); // a clean exit: nothing to restore next time
    event->accept();
}

} // namespace cl
