#pragma once
// After a crash or a kill, the next start offers back the text the autosave kept (issue #18
// item 4): MainWindow writes it at most a second after an edit, even while typing goes on.

#include <QString>

class QMessageBox;

namespace cl {

class MainWindow;

class AutosaveOffer {
public:
    /// When AutosaveController::path() holds a readable session (the last run did not exit
    /// cleanly), shows a non-blocking question over `window`: Restore applies it
    /// (MainWindow::restoreAutosave), Discard deletes the file. Returns the box (named
    /// "autosaveOffer", buttons "restoreButton" / "discardButton"), or nullptr when there is
    /// nothing to offer.
    static QMessageBox* show(MainWindow* window);
};

} // namespace cl
