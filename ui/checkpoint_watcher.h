#pragma once
// Watches the weight files of the loaded pair (issue #18). A trainer that rewrites or truncates
// a checkpoint in the folder being analysed (save_steps) would pull the mapped weights from
// under the engine; the core refuses to compute on a changed file, and this offers to reload
// the pair as soon as the change happens.

#include <QFileSystemWatcher>
#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <QString>

#include <map>

class QWidget;

namespace cl {

class EngineClient;

class CheckpointWatcher : public QObject {
    Q_OBJECT
public:
    /// Follows `engine`'s loaded pair; the message is shown over `dialogParent` (not owned).
    CheckpointWatcher(EngineClient* engine, QWidget* dialogParent);

    /// The weight files (model*.safetensors, *.bin, policy.pt, their indexes) of a folder.
    static QStringList weightFiles(const QString& folder);

    /// The message on screen, or nullptr (for tests).
    QMessageBox* message() const { return m_box; }

signals:
    /// A watched weight file changed size, time or inode, or disappeared (once per load).
    void checkpointChanged(const QString& path);

private:
    struct Stamp {
        qint64 size = -1;
        qint64 mtimeMs = -1;
        quint64 inode = 0;
        bool operator==(const Stamp&) const = default;
    };
    static Stamp stampOf(const QString& path);
    void watch(const QString& policyDir, const QString& referenceDir);
    void check();
    void offerReload(const QString& path);

    EngineClient* m_engine;
    QWidget* m_parent;
    QFileSystemWatcher m_watcher;
    std::map<QString, Stamp> m_stamps;
    bool m_notified = false;
    QPointer<QMessageBox> m_box;
};

} // namespace cl
