#include "ui/window/autosave_controller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace cl {

AutosaveController::AutosaveController(Current current, Restore restore, QObject* parent)
    : QObject(parent), m_current(std::move(current)), m_restore(std::move(restore)) {
    m_timer.setSingleShot(true);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &AutosaveController::writeNow);
}

QString AutosaveController::path() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir + "/autosave.clsession";
}

void AutosaveController::noteEdit() {
    // Not a debounce: restarting here would postpone the write for as long as typing goes on.
    if (!m_timer.isActive()) {
        m_timer.start();
    }
}

void AutosaveController::writeNow() {
    if (m_current().save(path()).ok()) {
        emit written();
    }
}

bool AutosaveController::restore() {
    const QString file = path();
    if (!QFileInfo::exists(file)) {
        return false;
    }
    const Result<Session> session = Session::load(file);
    if (!session.ok()) {
        return false;
    }
    m_restore(session.value());
    return true;
}

void AutosaveController::discard() {
    m_timer.stop();
    QFile::remove(path());
}

} // namespace cl
