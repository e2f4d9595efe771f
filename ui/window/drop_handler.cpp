#include "ui/window/drop_handler.h"

#include "ui/editor/preference_set.h"
#include "ui/session.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QWidget>

namespace cl {

DropHandler::Kind DropHandler::classify(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) {
        return QFileInfo::exists(info.absoluteFilePath() + "/config.json") ? Kind::ModelFolder
                                                                            : Kind::TrainingLog;
    }
    if (info.suffix() == "clsession") {
        return Kind::Session; // even unreadable: opening it says why
    }
    if (info.suffix() == "jsonl" && PreferenceSet::load(path).ok()) {
        return Kind::PreferencePairs;
    }
    if (info.isFile() && Session::load(path).ok()) {
        return Kind::Session;
    }
    return info.isFile() ? Kind::TrainingLog : Kind::Ignored;
}

DropHandler::Plan DropHandler::plan(const QList<QUrl>& urls) {
    Plan plan;
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) {
            // Not a path: "" would have resolved to the working folder.
            if (url.scheme() == "http" || url.scheme() == "https") {
                plan.serverUrls << url.toString();
            }
            continue;
        }
        const QString path = QFileInfo(url.toLocalFile()).absoluteFilePath();
        switch (const Kind kind = classify(path)) {
        case Kind::ModelFolder:
            plan.modelFolders << path;
            break;
        case Kind::TrainingLog:
            plan.logs << path;
            break;
        case Kind::Session:
        case Kind::PreferencePairs:
            plan.files.append({kind, path});
            break;
        case Kind::Ignored:
            break;
        }
    }
    return plan;
}

DropHandler::DropHandler(QWidget* window) : QObject(window) {
    window->setAcceptDrops(true);
    window->installEventFilter(this);
}

bool DropHandler::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::DragEnter) {
        auto* enter = static_cast<QDragEnterEvent*>(event);
        if (enter->mimeData()->hasUrls()) {
            enter->acceptProposedAction();
        }
        return true;
    }
    if (event->type() != QEvent::Drop) {
        return QObject::eventFilter(watched, event);
    }
    auto* drop = static_cast<QDropEvent*>(event);
    const Plan p = plan(drop->mimeData()->urls());
    for (const auto& [kind, path] : p.files) {
        if (kind == Kind::Session) {
            emit sessionDropped(path);
        } else {
            emit preferencesDropped(path);
        }
    }
    if (!p.logs.isEmpty()) {
        emit logsDropped(p.logs);
    }
    if (!p.modelFolders.isEmpty()) {
        emit modelFoldersDropped(p.modelFolders);
    }
    if (!p.serverUrls.isEmpty()) {
        emit serverUrlsDropped(p.serverUrls);
    }
    drop->acceptProposedAction();
    return true;
}

} // namespace cl
