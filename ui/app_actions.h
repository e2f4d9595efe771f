#pragma once
// Every menu action of the main window, created once with its text, shortcut and object name,
// and the menu bar built from them. MainWindow connects them; tests find them by object name.

#include <QObject>

class QAction;
class QActionGroup;
class QMenu;
class QMenuBar;
class QWidget;

namespace cl {

class AppActions : public QObject {
    Q_OBJECT
public:
    /// Creates the actions as children of `owner` (shortcuts are window-wide there).
    explicit AppActions(QWidget* owner);

    /// Fills the menu bar: File, Edit, View, Tools, Help.
    void buildMenus(QMenuBar* bar);

    /// The "Recent pairs" submenu (MainWindow fills it from QSettings).
    QMenu* recentPairsMenu() const { return m_recentPairs; }
    /// View menu (dock toggles are appended) and Tools menu (views add their own entries).
    QMenu* viewMenu() const;
    QMenu* toolsMenu() const { return m_toolsMenu; }

    // File
    QAction* openPolicy = nullptr;
    QAction* openReference = nullptr;
    QAction* openServer = nullptr;
    QAction* openSession = nullptr;
    QAction* saveSession = nullptr;
    QAction* saveSessionAs = nullptr;
    QAction* exportFigure = nullptr;
    QAction* exportData = nullptr;
    QAction* quit = nullptr;
    // Edit
    QAction* undo = nullptr;
    QAction* redo = nullptr;
    QAction* copyHtml = nullptr;
    QAction* swapResponses = nullptr;
    // View
    QAction* compareMode = nullptr;
    QAction* pinColorRange = nullptr;
    QAction* themeSystem = nullptr;
    QAction* themeLight = nullptr;
    QAction* themeDark = nullptr;
    QAction* focusPrompt = nullptr;
    QAction* focusResponse = nullptr;
    QAction* fullScreen = nullptr;
    // Tools
    QAction* rescore = nullptr;
    QAction* cancelWork = nullptr;
    QAction* openPreferences = nullptr;
    QAction* nextPair = nullptr;
    QAction* previousPair = nullptr;
    QAction* copyWeights = nullptr; ///< checkable; kCopyWeightsSetting, read at the next load
    // Help
    QAction* openDemo = nullptr;
    QAction* about = nullptr;
    QAction* aboutQt = nullptr;

private:
    QAction* make(const QString& name, const QString& text, const QKeySequence& key);

    QWidget* m_owner = nullptr;
    QMenu* m_recentPairs = nullptr;
    QActionGroup* m_themes = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_toolsMenu = nullptr;
};

} // namespace cl
