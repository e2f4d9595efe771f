#pragma once
// The Dataset view (issue #17 item 1): a whole preference file scored in the background on the
// host's engine thread (EngineRunner, as the beam views), with progress and cancel; the table
// fills in chunks as pairs are scored; numbers equal `creditlens-cli score` on the same file and
// settings (dataset_job.h). Sort, filter (misranked only, margin below x, text search), a
// histogram of margins with the accuracy and its 95% Wilson interval, exports (CSV/JSONL of the
// table, PNG/SVG/PDF of the histogram). Double-clicking a row asks the host to open the pair in
// the compare editor (pairActivated); updateFromEditor() puts the editor's numbers back.
// GUI thread only.

#include "core/engine/pair_scorer.h"
#include "ui/common/engine_job.h"
#include "ui/dataset/dataset_file.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace cl {

class DatasetFilter;
class DatasetModel;
class EngineTask;
class RowInbox;

class DatasetView : public QWidget {
    Q_OBJECT
public:
    explicit DatasetView(QWidget* parent = nullptr);
    /// Cancels a running scoring job (its outcome is dropped).
    ~DatasetView() override;

    /// See ui/common/engine_job.h: the host posts each job to the thread that owns the models.
    void setRunner(EngineRunner runner);
    /// Template and EOS option of the next run (the editor's), and the beta the engine holds
    /// (shown with the results; the engine applies its own). Rows scored with other settings
    /// stay until the next run; the status line says so.
    void setScoreSettings(const QString& templateName, bool scoreEos, double beta);
    /// Whether a pair is loaded. A file opened before that is scored once it is.
    void setEngineReady(bool ready);

    /// Parses `path` and, when a pair is loaded, scores it. False with the sentence shown (and
    /// emitted as message()) when the file cannot be used; the previous file stays then.
    bool openFile(const QString& path);
    QString filePath() const { return m_path; }
    /// Scores the open file again with the current settings (superseding a running job).
    void rescore();
    /// Cancels a running job (atomic flag; returns at once); cancelled() follows.
    void cancel();
    bool isScoring() const;

    /// The editor's scores for `entry` after the user changed its texts (compare mode). The row
    /// takes the editor's numbers and is marked edited; the spans count only while rejected is
    /// the file's text.
    void updateFromEditor(int entry, const QString& prompt, const QString& chosen,
                          const QString& rejected, const ResponseScore& chosenScore,
                          const ResponseScore& rejectedScore);

    /// Writes the rows shown (filtered, in their sorted order) as .csv or .jsonl.
    bool exportTable(const QString& path, QString* error = nullptr) const;
    /// Writes the histogram as .png, .svg or .pdf (ui/common/figure_export.h).
    bool exportHistogram(const QString& path, QString* error = nullptr);
    /// Source-model rows shown in the table, top to bottom.
    std::vector<int> shownRows() const;

    DatasetModel* model() const { return m_model; }
    DatasetFilter* filter() const { return m_filter; }
    QTableView* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }
    QString summaryText() const;
    /// Milliseconds the last completed run took (from start to the last row), or -1.
    qint64 lastRunMs() const { return m_lastRunMs; }

signals:
    /// The user double-clicked the row of entry `entry`: open this pair in the compare editor.
    void pairActivated(int entry, const QString& prompt, const QString& chosen,
                       const QString& rejected);
    void scoringFinished();
    void scoringFailed(const QString& message);
    void scoringCancelled();
    /// A chunk of rows arrived (count: rows in the table now).
    void rowsDelivered(int count);
    /// Text for the status bar.
    void message(const QString& text);

private:
    void buildUi();
    void startScoring();
    void deliverRows();
    void refreshStats();
    void setBusy(bool busy);
    void activate(const QModelIndex& proxyIndex);
    void chooseFile();
    void chooseTableExport();
    void chooseFigureExport();
    void showMessage(const QString& text);
    QString settingsText() const;

    DatasetModel* m_model = nullptr;
    DatasetFilter* m_filter = nullptr;
    QTableView* m_table = nullptr;
    QCustomPlot* m_plot = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_score = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_exportTable = nullptr;
    QPushButton* m_exportFigure = nullptr;
    QCheckBox* m_misranked = nullptr;
    QCheckBox* m_marginBelow = nullptr;
    QDoubleSpinBox* m_marginLimit = nullptr;
    QLineEdit* m_search = nullptr;
    EngineTask* m_task = nullptr;
    std::shared_ptr<RowInbox> m_inbox;
    QTimer m_drain;        // empties the inbox into the table while a job runs
    QElapsedTimer m_clock; // since the job started
    qint64 m_lastRunMs = -1;
    QString m_path;
    QString m_templateName = QStringLiteral("tldr");
    bool m_scoreEos = true;
    double m_beta = 0.1;
    QString m_scoredSettings; // template/EOS/beta of the rows shown
    bool m_engineReady = false;
    bool m_pending = false; // a file waits for a pair to be loaded
};

} // namespace cl
