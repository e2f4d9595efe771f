#include "ui/app_actions.h"

#include "ui/engine/engine_types.h"

#include <QAction>
#include <QActionGroup>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QWidget>

namespace cl {

AppActions::AppActions(QWidget* owner) : QObject(owner), m_owner(owner) {
    openPolicy = make("actionOpenPolicy", tr("Open &policy…"), QKeySequence::Open);
    openReference = make("actionOpenReference", tr("Open &reference…"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openServer = make("actionOpenServer", tr("Open models on a ser&ver…"), QKeySequence());
    openSession = make("actionOpenSession", tr("Open &session…"),
                       QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    saveSession = make("actionSaveSession", tr("&Save session"), QKeySequence::Save);
    saveSessionAs = make("actionSaveSessionAs", tr("Save session &as…"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    exportFigure = make("actionExport", tr("&Export figure…"), QKeySequence(Qt::CTRL | Qt::Key_E));
    exportData = make("actionExportData", tr("Export token &data…"),
                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    quit = make("actionQuit", tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    undo = make("actionUndo", tr("&Undo"), QKeySequence::Undo);
    redo = make("actionRedo", tr("&Redo"), QKeySequence::Redo);
    copyHtml = make("actionCopyHtml", tr("Copy as &HTML"),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    swapResponses = make("actionSwapResponses", tr("S&wap chosen and rejected"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));

    compareMode = make("actionCompareMode", tr("&Compare two responses"),
                       QKeySequence(Qt::CTRL | Qt::Key_K));
    compareMode->setCheckable(true);
    pinColorRange = make("actionPinColorRange", tr("&Pin color range"),
                         QKeySequence(Qt::CTRL | Qt::Key_P));
    pinColorRange->setCheckable(true);
    themeSystem = make("actionThemeSystem", tr("&System colors"), {});
    themeLight = make("actionThemeLight", tr("&Light"), {});
    themeDark = make("actionThemeDark", tr("&Dark"), {});
    m_themes = new QActionGroup(this);
    for (QAction* a : {themeSystem, themeLight, themeDark}) {
        a->setCheckable(true);
        m_themes->addAction(a);
    }
    themeSystem->setChecked(true);
    focusPrompt = make("actionFocusPrompt", tr("Go to p&rompt"), QKeySequence(Qt::ALT | Qt::Key_1));
    focusResponse = make("actionFocusResponse", tr("Go to r&esponse"),
                         QKeySequence(Qt::ALT | Qt::Key_2));
    fullScreen = make("actionFullScreen", tr("&Full screen"), QKeySequence::FullScreen);
    fullScreen->setCheckable(true);

    rescore = make("actionRescore", tr("&Rescore now"), QKeySequence(Qt::Key_F5));
    cancelWork = make("actionCancel", tr("&Cancel model work"), QKeySequence(Qt::Key_Escape));
    cancelWork->setShortcutContext(Qt::WindowShortcut);
    openPreferences = make("actionOpenPreferences", tr("Open &preference pairs…"),
                           QKeySequence(Qt::CTRL | Qt::Key_L));
    nextPair = make("actionNextPair", tr("&Next pair"), QKeySequence(Qt::CTRL | Qt::Key_BracketRight));
    previousPair = make("actionPreviousPair", tr("P&revious pair"),
                        QKeySequence(Qt::CTRL | Qt::Key_BracketLeft));
    // Issue #18: weights copied instead of mapped, so training may rewrite the checkpoint.
    copyWeights = make("actionCopyWeights", tr("Copy &weights into memory (no mmap)"), {});
    copyWeights->setCheckable(true);
    copyWeights->setChecked(QSettings().value(kCopyWeightsSetting, false).toBool());
    copyWeights->setStatusTip(tr("Takes effect at the next load; use it when training may "
                                 "rewrite the checkpoint being analysed"));
    connect(copyWeights, &QAction::toggled, this,
            [](bool on) { QSettings().setValue(kCopyWeightsSetting, on); });

    openDemo = make("actionOpenDemo", tr("Open &demo"), {});
    about = make("actionAbout", tr("&About CreditLens"), QKeySequence(Qt::Key_F1));
    about->setMenuRole(QAction::AboutRole);
    aboutQt = make("actionAboutQt", tr("About &Qt"), {});
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

QAction* AppActions::make(const QString& name, const QString& text, const QKeySequence& key) {
    auto* action = new QAction(text, m_owner);
    action->setObjectName(name);
    if (!key.isEmpty()) {
        action->setShortcut(key);
    }
    m_owner->addAction(action); // shortcuts work even when the menu bar is hidden
    return action;
}

void AppActions::buildMenus(QMenuBar* bar) {
    QMenu* file = bar->addMenu(tr("&File"));
    file->setObjectName("menuFile");
    file->addActions({openPolicy, openReference, openServer});
    m_recentPairs = file->addMenu(tr("Recent &pairs"));
    m_recentPairs->setObjectName("menuRecentPairs");
    file->addSeparator();
    file->addActions({openSession, saveSession, saveSessionAs});
    file->addSeparator();
    file->addActions({exportFigure, exportData});
    file->addSeparator();
    file->addAction(quit);

    QMenu* edit = bar->addMenu(tr("&Edit"));
    edit->setObjectName("menuEdit");
    edit->addActions({undo, redo});
    edit->addSeparator();
    edit->addActions({copyHtml, swapResponses});

    m_viewMenu = bar->addMenu(tr("&View"));
    m_viewMenu->setObjectName("menuView");
    m_viewMenu->addActions({compareMode, pinColorRange});
    m_viewMenu->addSeparator();
    m_viewMenu->addActions({focusPrompt, focusResponse});
    m_viewMenu->addSeparator();
    QMenu* theme = m_viewMenu->addMenu(tr("&Theme"));
    theme->addActions({themeSystem, themeLight, themeDark});
    m_viewMenu->addAction(fullScreen);
    m_viewMenu->addSeparator(); // dock toggles go after this (MainWindow::addDockToggle)

    m_toolsMenu = bar->addMenu(tr("&Tools"));
    m_toolsMenu->setObjectName("menuTools");
    m_toolsMenu->addActions({rescore, cancelWork, copyWeights});
    m_toolsMenu->addSeparator();
    m_toolsMenu->addActions({openPreferences, previousPair, nextPair});
    m_toolsMenu->addSeparator();

    QMenu* help = bar->addMenu(tr("&Help"));
    help->setObjectName("menuHelp");
    help->addActions({openDemo});
    help->addSeparator();
    help->addActions({about, aboutQt});
}

QMenu* AppActions::viewMenu() const {
    return m_viewMenu;
}

} // namespace cl
