#pragma once
// Crash insurance for unsaved work (issue #18 item 4): at most kIntervalMs after an edit the
// session is written to path(), even while typing goes on: the first edit starts the timer and
// later ones do not restart it (not a debounce). A clean exit removes the file (discard()); after
// a crash the next start finds it (AutosaveOffer) and restore() puts it back. GUI thread only.

#include "ui/session.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace cl {

class AutosaveController : public QObject {
    Q_OBJECT
public:
    using Current = std::function<Session()>;
    using Restore = std::function<void(const Session&)>;

    static constexpr int kIntervalMs = 1000;

    /// `current` gives the session to write; `restore` puts a restored one in place.
    AutosaveController(Current current, Restore restore, QObject* parent = nullptr);

    /// Where the autosave lives: <AppDataLocation>/autosave.clsession (the folder is created).
    static QString path();

    /// An edit happened: the session is written kIntervalMs after the first edit not yet
    /// written, however many follow.
    void noteEdit();
    /// A write is scheduled.
    bool isPending() const { return m_timer.isActive(); }
    /// Milliseconds until the scheduled write, -1 when none is.
    int remainingMs() const { return m_timer.remainingTime(); }
    /// Writes the session now (best effort: a failure must not interrupt the user).
    void writeNow();
    /// When path() holds a readable session, hands it to `restore` and returns true.
    bool restore();
    /// A clean exit: no write is pending any more and the file is removed.
    void discard();

signals:
    /// writeNow() has written the file (for tests and the status bar).
    void written();

private:
    Current m_current;
    Restore m_restore;
    QTimer m_timer;
};

} // namespace cl
