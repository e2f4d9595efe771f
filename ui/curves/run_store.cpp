#include "ui/curves/run_store.h"

#include "core/logs/log_source.h"
#include "core/logs/log_tail.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrent>

#include <algorithm>

namespace cl {

RunStore::RunStore(QObject* parent) : QObject(parent) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150); // a trainer writes a line in several syscalls
    connect(&m_debounce, &QTimer::timeout, this, &RunStore::pollAll);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_debounce.start(); });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this,
            [this] { m_debounce.start(); });
}

RunStore::~RunStore() = default;

void RunStore::open(const QString& path) {
    const QString clean = QFileInfo(path).absoluteFilePath();
    if (QFileInfo(clean).isDir()) {
        // Issue #17: a folder of runs (TensorBoard logdir) opens each run under it. Listing the
        // folders and sniffing candidate files' first bytes is quick; the reading is not, and
        // stays in the background.
        const Result<std::vector<logs::RunLocation>> runs = logs::findLogRuns(clean.toStdString());
        if (runs.ok() && !(runs->size() == 1 && runs->front().path == clean.toStdString())) {
            for (const logs::RunLocation& run : runs.value()) {
                openRun(QString::fromStdString(run.path), QString::fromStdString(run.name));
            }
            return;
        }
    }
    openRun(clean, {}); // a file, an output folder, or an error the read reports
}

void RunStore::openRun(const QString& path, const QString& name) {
    const QString clean = QFileInfo(path).absoluteFilePath();
    if (m_loading.contains(clean)) {
        return;
    }
    for (const Entry& e : m_entries) {
        if (e.path == clean) {
            return;
        }
    }
    m_loading.insert(clean);
    auto tail = std::make_shared<logs::LogTail>(clean.toStdString());
    tail->setName(name.toStdString());
    auto* watcher = new QFutureWatcher<QString>(this);
    const quint64 order = m_opened++;
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, tail, clean,
                                                                 order] {
        watcher->deleteLater();
        m_loading.remove(clean);
        const QString error = watcher->result();
        if (!error.isEmpty()) {
            emit failed(error);
            return;
        }
        auto at = std::find_if(m_entries.begin(), m_entries.end(),
                               [order](const Entry& e) { return e.order > order; });
        at = m_entries.insert(at, Entry{clean, tail, order});
        watch(*at);
        reportSkipped(*at);
        emit runAdded(static_cast<int>(at - m_entries.begin()));
    });
    // The tail is only touched by this job until it finishes; then only by the GUI thread.
    watcher->setFuture(QtConcurrent::run([tail] {
        const Result<logs::TailUpdate> u = tail->poll();
        return u.ok() ? QString() : QString::fromStdString(u.error());
    }));
}

void RunStore::close(int index) {
    if (index < 0 || index >= size()) {
        return;
    }
    m_entries.erase(m_entries.begin() + index);
    if (!m_watcher.files().isEmpty()) {
        m_watcher.removePaths(m_watcher.files());
    }
    if (!m_watcher.directories().isEmpty()) {
        m_watcher.removePaths(m_watcher.directories());
    }
    for (const Entry& e : m_entries) {
        watch(e);
    }
}

const logs::LogRun& RunStore::run(int index) const {
    return m_entries[std::size_t(index)].tail->run();
}

std::vector<const logs::LogRun*> RunStore::runs() const {
    std::vector<const logs::LogRun*> out;
    for (const Entry& e : m_entries) {
        out.push_back(&e.tail->run());
    }
    return out;
}

void RunStore::watch(const Entry& entry) {
    // Watch the file read, and the folder the user opened (new checkpoints, new event files).
    QStringList paths{QString::fromStdString(entry.tail->run().path)};
    if (QFileInfo(entry.path).isDir()) {
        paths << entry.path;
    }
    paths << QFileInfo(paths.front()).absolutePath();
    for (const QString& p : paths) {
        if (!p.isEmpty() && !m_watcher.files().contains(p) &&
            !m_watcher.directories().contains(p)) {
            m_watcher.addPath(p);
        }
    }
}

void RunStore::reportSkipped(const Entry& entry) {
    const logs::LogRun& run = entry.tail->run();
    if (run.skippedCount > 0 && !run.warnings.empty()) {
        emit warned(QStringLiteral("%1: skipped %2 malformed line(s); first at line %3: %4")
                        .arg(QString::fromStdString(run.path))
                        .arg(run.skippedCount)
                        .arg(run.warnings.front().line)
                        .arg(QString::fromStdString(run.warnings.front().message)));
    }
}

void RunStore::pollAll() {
    for (int i = 0; i < size(); ++i) {
        Entry& e = m_entries[std::size_t(i)];
        const Result<logs::TailUpdate> u = e.tail->poll();
        if (!u.ok()) {
            continue; // caught mid-write (a half-saved trainer_state.json): next change retries
        }
        watch(e); // editors and the Trainer replace files; inotify then drops the watch
        if (u->newPoints > 0 || u->reset) {
            emit runUpdated(i, u->reset);
        }
    }
}

} // namespace cl
