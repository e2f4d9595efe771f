#pragma once
// The runs open in the Training Curves view. Opening parses off the GUI thread
// (QtConcurrent; torch-free); afterwards a file watcher re-reads what training appends
// (cl::logs::LogTail), so a live run's curves grow without a reload.

#include "core/logs/log_types.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <vector>

namespace cl {
namespace logs {
class LogTail;
}

class RunStore : public QObject {
    Q_OBJECT

public:
    explicit RunStore(QObject* parent = nullptr);
    ~RunStore() override;

    /// Starts reading path (file or output folder) in the background; emits runAdded or
    /// failed. A folder of runs (logs::findLogRuns: every subfolder holding a log, as
    /// TensorBoard's logdir) opens each of them, named by its relative path. A path already open
    /// is ignored. Runs keep the order they were opened in (so their colors do too), whichever
    /// finishes loading first.
    void open(const QString& path);
    /// Closes run i (its watch ends).
    void close(int index);

    int size() const { return int(m_entries.size()); }
    const logs::LogRun& run(int index) const;
    QString path(int index) const { return m_entries[std::size_t(index)].path; }
    std::vector<const logs::LogRun*> runs() const;
    /// Loads still in flight.
    int pending() const { return int(m_loading.size()); }

    /// Re-reads appended data of every run now (the watcher calls this, debounced).
    void pollAll();

signals:
    void runAdded(int index);
    /// New points arrived (reset: the file was rewritten and re-read whole).
    void runUpdated(int index, bool reset);
    /// One sentence: the path and what went wrong. Non-fatal.
    void failed(const QString& message);
    /// Malformed lines were skipped while reading a run: a summary sentence.
    void warned(const QString& message);

private:
    struct Entry {
        QString path;
        std::shared_ptr<logs::LogTail> tail;
        quint64 order = 0; ///< when open() was called
    };
    void openRun(const QString& path, const QString& name);
    void watch(const Entry& entry);
    void reportSkipped(const Entry& entry);

    std::vector<Entry> m_entries;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    quint64 m_opened = 0;
    QSet<QString> m_loading; ///< paths whose first read is in flight
};

} // namespace cl
