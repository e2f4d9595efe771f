#include "ui/checkpoint_watcher.h"

#include "ui/engine/engine_client.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include <sys/stat.h>

namespace cl {

CheckpointWatcher::CheckpointWatcher(EngineClient* engine, QWidget* dialogParent)
    : QObject(dialogParent), m_engine(engine), m_parent(dialogParent) {
    connect(engine, &EngineClient::loaded, this,
            [this] { watch(m_engine->policyDir(), m_engine->referenceDir()); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &CheckpointWatcher::check);
    // A trainer that writes a new file and renames it over the old one shows up on the folder.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &CheckpointWatcher::check);
}

QStringList CheckpointWatcher::weightFiles(const QString& folder) {
    QStringList out;
    const QDir dir(folder);
    for (const QString& name :
         dir.entryList({"*.safetensors", "*.safetensors.index.json", "pytorch_model*.bin",
                        "pytorch_model.bin.index.json", "policy.pt"},
                       QDir::Files, QDir::Name)) {
        out << dir.filePath(name);
    }
    return out;
}

CheckpointWatcher::Stamp CheckpointWatcher::stampOf(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        return {};
    }
    Stamp s;
    s.size = static_cast<qint64>(st.st_size);
    s.mtimeMs = static_cast<qint64>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    s.inode = static_cast<quint64>(st.st_ino);
    return s;
}

void CheckpointWatcher::watch(const QString& policyDir, const QString& referenceDir) {
    if (!m_watcher.files().isEmpty()) {
        m_watcher.removePaths(m_watcher.files());
    }
    if (!m_watcher.directories().isEmpty()) {
        m_watcher.removePaths(m_watcher.directories());
    }
    m_stamps.clear();
    m_notified = false;
    if (m_box) {
        m_box->close(); // the pair was reloaded: the question is answered
    }
    for (const QString& folder : {policyDir, referenceDir}) {
        if (folder.isEmpty() || folder.startsWith("http://")) {
            continue; // a server's model (issue #16) has no files here to watch
        }
        m_watcher.addPath(folder);
        for (const QString& file : weightFiles(folder)) {
            m_stamps[file] = stampOf(file);
            m_watcher.addPath(file);
        }
    }
}

void CheckpointWatcher::check() {
    for (const auto& [path, then] : m_stamps) {
        if (!(stampOf(path) == then)) {
            if (!m_watcher.files().contains(path) && QFileInfo::exists(path)) {
                m_watcher.addPath(path); // inotify dropped it when the file was replaced
            }
            if (!m_notified) {
                m_notified = true;
                emit checkpointChanged(path);
                offerReload(path);
            }
            return;
        }
    }
}

void CheckpointWatcher::offerReload(const QString& path) {
    // Non-blocking, like MainWindow::showError: the window stays usable.
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Checkpoint changed on disk"),
        tr("%1 changed on disk since the models were loaded (is a trainer writing it?). "
           "CreditLens computes nothing on a changed checkpoint until the pair is reloaded.\n\n"
           "To analyse checkpoints while training writes them, turn on "
           "Tools ▸ Copy weights into memory, then reload.")
            .arg(QDir::toNativeSeparators(path)),
        QMessageBox::NoButton, m_parent);
    box->setObjectName("checkpointChanged");
    QPushButton* reload = box->addButton(tr("&Reload"), QMessageBox::AcceptRole);
    reload->setObjectName("reloadButton");
    box->addButton(tr("Not now"), QMessageBox::RejectRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    const QString policy = m_engine->policyDir();
    const QString reference = m_engine->referenceDir();
    connect(box, &QMessageBox::buttonClicked, this,
            [this, reload, policy, reference](QAbstractButton* clicked) {
                if (clicked == reload) {
                    m_engine->load(policy, reference);
                }
            });
    m_box = box;
    box->open();
}

} // namespace cl
