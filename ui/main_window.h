#pragma once
// The application window. It only wires widgets together: the actions (AppActions), the editor
// workbench, the docks and the scoring session; each of those does its own job.

#include <QMainWindow>

namespace cl {

class AppActions;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// The window's actions, for tests and the self-test.
    AppActions* actions() const { return m_actions; }

    /// Opens a policy/reference pair; prompt and response, when not empty, fill the editors.
    void openPair(const QString& policyDir, const QString& referenceDir, const QString& prompt = {},
                  const QString& response = {});
    /// Opens a session file (JSON).
    void openSessionFile(const QString& path);

    /// Restores geometry and dock layout from QSettings (group "mainWindow").
    void restoreWindowState();
    /// Writes geometry and dock layout to QSettings; also done on close.
    void saveWindowState() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void showAbout();

    AppActions* m_actions = nullptr;
    QString m_policyDir;
    QString m_referenceDir;
};

} // namespace cl
