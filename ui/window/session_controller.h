#pragma once
// The session shown in the window: what it is (current()), putting one in place (apply()), its
// file (open, save, save as, the unsaved-changes question) and whether the user changed it since.
// Edits made by the program (loading a pair, showing a preference pair, applying a session) run
// inside whileApplying() and do not count as the user's. GUI thread only.

#include "ui/session.h"

#include <QObject>
#include <QString>

class QWidget;

namespace cl {

class AppActions;
class ComparePanel;
class EngineClient;
class PairLoader;
class Workbench;

class SessionController : public QObject {
    Q_OBJECT
public:
    /// None of the pointers is owned; `window` parents the dialogs and this object.
    SessionController(QWidget* window, Workbench* workbench, ComparePanel* compare,
                      AppActions* actions, EngineClient* engine, PairLoader* pairs);

    /// The session file last opened or saved, empty for an untitled session.
    QString path() const { return m_path; }
    bool isModified() const { return m_modified; }
    void setModified(bool modified);

    /// Runs `edit` with the editors' changes marked as the program's (isApplying()). Not
    /// nested: the flag is cleared when `edit` returns, as any inner scope also clears it.
    template <typename F>
    void whileApplying(F&& edit) {
        m_applying = true;
        edit();
        m_applying = false;
    }
    bool isApplying() const { return m_applying; }

    /// The session as shown now (the loaded pair's folders, else the ones chosen so far).
    Session current() const;
    /// Shows `session`: texts, template, beta, compare mode, color range and preference file;
    /// loads its pair (keeping its template) unless that pair is the loaded one.
    void apply(const Session& session);

    /// Opens a session file; false (with failed()) when it cannot be read.
    bool openFile(const QString& path);
    /// Saves to `path`; false (with failed()) when it cannot be written.
    bool saveFile(const QString& path);
    /// File → Save (`askPath` false; asks only for an untitled session) / Save as (true).
    bool save(bool askPath);
    /// File → Open session: asks about unsaved changes, then for a file.
    void chooseAndOpen();
    /// Opens a preference JSONL in the compare panel; false (with failed()) when unreadable.
    bool openPreferences(const QString& path);
    /// Tools → Open preference pairs: asks for a file, then openPreferences().
    void choosePreferences();
    /// With unsaved changes asks Save / Discard / Cancel; true when the caller may go on.
    bool confirmDiscard();

signals:
    /// path() changed (the window title shows it).
    void pathChanged();
    void modifiedChanged(bool modified);
    /// A sentence for the status bar, shown for `timeoutMs`.
    void message(const QString& text, int timeoutMs);
    /// Something the user asked for failed: a title and the reason, for a message box.
    void failed(const QString& title, const QString& message);

private:
    QWidget* m_window;
    Workbench* m_workbench;
    ComparePanel* m_compare;
    AppActions* m_actions;
    EngineClient* m_engine;
    PairLoader* m_pairs;
    QString m_path;
    bool m_modified = false;
    bool m_applying = false;
};

} // namespace cl
