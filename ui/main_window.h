#pragma once
// The application window. It only wires widgets and controllers together: the actions
// (AppActions), the editor workbench, the docks (models, token inspector, beam search, training
// curves, dataset), the EngineClient that owns the worker thread, and the controllers of
// ui/window/ (pair loading, sessions, autosave, recent pairs, drag and drop, the demo, exports).
// The public file operations below forward to those controllers (main_window_io.cpp).

#include "ui/session.h"

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QProgressBar;
class QPushButton;

namespace cl {

class AppActions;
class AutosaveController;
class BeamView;
class ComparePanel;
class CurvesDock;
class CurvesView;
class DatasetDock;
class DatasetView;
class DemoLauncher;
class DropHandler;
class EngineClient;
class ExportController;
class InspectionController;
class ModelPanel;
class PairLoader;
class RecentPairsMenu;
class SessionController;
class TokenInspector;
class Workbench;
struct PreferencePair;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    AppActions* actions() const { return m_actions; }
    Workbench* workbench() const { return m_workbench; }
    EngineClient* engine() const { return m_engine; }
    TokenInspector* inspector() const { return m_inspector; }
    ComparePanel* comparePanel() const { return m_compare; }
    ModelPanel* modelPanel() const { return m_models; }
    /// The Training Curves view, or nullptr in a build without it.
    CurvesView* curvesView() const { return m_curves; }
    /// The Beam Search dock's content, or nullptr in a build without it.
    BeamView* beamView() const { return m_beam; }
    /// The Dataset dock's view (issue #17 item 1).
    DatasetView* datasetView() const;
    /// Shows the Dataset dock and opens a preference file in it; it is scored with the loaded
    /// pair, or once one is loaded. False (with the sentence in the dock) when unusable.
    bool openDataset(const QString& path);
    /// Opens training logs (files or output folders) in the Training Curves view.
    void openTrainingLogs(const QStringList& paths);

    /// Loads a policy/reference pair off the GUI thread; prompt and response, when not empty,
    /// fill the editors. Failures show the engine's sentence and leave the window usable.
    void openPair(const QString& policyDir, const QString& referenceDir, const QString& prompt = {},
                  const QString& response = {});
    /// Help → Open demo: loads the demo pair, its preference pairs and training logs.
    void openDemo();
    /// Opens a session file; false (with a message shown) when it cannot be read.
    bool openSessionFile(const QString& path);
    bool saveSessionFile(const QString& path);
    bool openPreferenceFile(const QString& path);
    /// The session as shown now / applies one (loads its pair if it differs).
    Session currentSession() const;
    void applySession(const Session& session);

    /// Restores unsaved work from the autosave file if one exists (after a crash).
    bool restoreAutosave();
    static QString autosavePath();
    /// The demo folder (installed share/creditlens/demo, else the source tree's), or empty.
    static QString demoDir();

    bool isModified() const;
    void setModified(bool modified);
    /// The last load error shown (for tests), empty if none.
    QString lastError() const { return m_lastError; }

    void restoreWindowState();
    void saveWindowState() const;

signals:
    void pairLoaded();
    void pairLoadFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createControllers();
    void createDocks();
    void connectActions();
    void connectControllers();
    void connectEngine();
    void showAbout();
    void showError(const QString& title, const QString& message);
    void showPreferencePair(const PreferencePair& pair);
    void updateStatus();
    void updateTitle();
    // main_window_io.cpp
    void showLoadStarted();
    void showLoadWarnings();
    void updateTemplateWarning();

    AppActions* m_actions = nullptr;
    EngineClient* m_engine = nullptr;
    Workbench* m_workbench = nullptr;
    ModelPanel* m_models = nullptr;
    TokenInspector* m_inspector = nullptr;
    ComparePanel* m_compare = nullptr;
    CurvesView* m_curves = nullptr;
    CurvesDock* m_curvesDock = nullptr;
    BeamView* m_beam = nullptr;
    DatasetDock* m_datasetDock = nullptr;
    QLabel* m_statusLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelButton = nullptr;
    PairLoader* m_pairs = nullptr;
    SessionController* m_sessions = nullptr;
    AutosaveController* m_autosave = nullptr;
    RecentPairsMenu* m_recent = nullptr;
    DropHandler* m_drops = nullptr;
    DemoLauncher* m_demo = nullptr;
    ExportController* m_exports = nullptr;
    InspectionController* m_inspection = nullptr;
    QString m_lastError;
};

} // namespace cl
