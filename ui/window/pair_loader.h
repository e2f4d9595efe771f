#pragma once
// The policy/reference pair the user is putting together, and its load. Folders come from the
// File menu's dialogs, drops, recent pairs, sessions and the demo; a load starts once both sides
// are known (until then folderMissing() says which one to open). The texts to show once the
// pair has loaded and whether a session brought its own template wait here until then.
// GUI thread only.

#include <QObject>
#include <QString>
#include <QStringList>

class QWidget;

namespace cl {

class EngineClient;
class Workbench;

class PairLoader : public QObject {
    Q_OBJECT
public:
    /// `engine` loads the pair; `dialogParent` parents the folder dialogs. Neither is owned.
    PairLoader(EngineClient* engine, QWidget* dialogParent);

    /// The folders chosen so far (not necessarily loaded: see EngineClient for that).
    QString policyDir() const { return m_policyDir; }
    QString referenceDir() const { return m_referenceDir; }

    /// Loads `policyDir` against `referenceDir`; `prompt` and `response`, when not empty, fill
    /// the editors once the pair has loaded (fillEditors()).
    void open(const QString& policyDir, const QString& referenceDir, const QString& prompt = {},
              const QString& response = {});
    /// As open(), for a session: the session's template stays (no default template on load).
    void openKeepingTemplate(const QString& policyDir, const QString& referenceDir);
    /// Model folders dropped on the window: two or more load the first two as policy and
    /// reference; one fills whichever side is missing (policy first), and a new policy on a
    /// loaded pair asks for its reference again.
    void openFolders(const QStringList& folders);
    /// File → Open policy/reference: a folder dialog, then a load if both sides are known.
    void chooseFolder(bool policy);
    /// File → Open models on a server…: the URL dialog (ServerDialog), then a load of the two
    /// URLs with its token and tokenizer folder. The token is kept for this run only. `urls`
    /// (dropped links) fill the dialog (ServerDialog::withDroppedUrls).
    void chooseServers(const QStringList& urls = {});

    /// After EngineClient::loaded: applies the template (the model's default with its reason,
    /// or the session's, kept) and the texts open() was given, then forgets them.
    void fillEditors(Workbench* workbench, const QString& demoDir);

signals:
    /// A load was asked for with one side missing: a sentence naming the folder to open next.
    void folderMissing(const QString& message);
    /// EngineClient::load has been called for policyDir() and referenceDir().
    void loadStarted();

private:
    void start();

    EngineClient* m_engine;
    QWidget* m_dialogParent;
    QString m_policyDir;
    QString m_referenceDir;
    QString m_pendingPrompt;   // null: leave the editor as it is
    QString m_pendingResponse; // null: leave the editor as it is
    bool m_keepTemplate = false;
    QString m_serverToken; // typed in the server dialog; never saved
};

} // namespace cl
