#pragma once
// Drag and drop of files and folders onto the main window. A folder with a config.json is a
// model; any other folder, and a file that is neither a session nor a preference file, is a
// training log for the Training Curves view. A ".clsession" file is a session, a ".jsonl" file
// that parses as preference pairs opens in the compare panel, and any other file that parses
// as a session is one too. An http(s) link is a model on a server (issue #16); other non-local
// links are ignored. Installed as an event filter on the window. GUI thread only.

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

class QWidget;

namespace cl {

class DropHandler : public QObject {
    Q_OBJECT
public:
    enum class Kind { ModelFolder, TrainingLog, Session, PreferencePairs, Ignored };

    /// What a dropped path is (reads the file to tell sessions and preference files apart).
    static Kind classify(const QString& path);

    /// A drop sorted: sessions and preference files in the order dropped, then the logs and the
    /// model folders (absolute paths).
    struct Plan {
        QList<QPair<Kind, QString>> files; ///< Session or PreferencePairs
        QStringList logs;
        QStringList modelFolders;
        QStringList serverUrls; ///< http(s) links, as dropped
    };
    static Plan plan(const QList<QUrl>& urls);

    /// Accepts drops on `window` (not owned; it parents this object) and handles them.
    explicit DropHandler(QWidget* window);

signals:
    // Emitted for one drop in this order: each session / preference file, then the logs (all
    // in one signal), then the model folders (all in one signal).
    void sessionDropped(const QString& path);
    void preferencesDropped(const QString& path);
    void logsDropped(const QStringList& paths);
    void modelFoldersDropped(const QStringList& folders);
    /// http(s) links (a policy URL, perhaps its reference's too), after the rest.
    void serverUrlsDropped(const QStringList& urls);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace cl
