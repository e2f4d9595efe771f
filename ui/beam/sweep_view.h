#pragma once
// The beam width sweep (issue #7, the paper's Figure 2): for each width, the best beam of each
// prompt, averaged; charted as mean length and mean Σr against width (two y-axes), exportable
// as PNG/SVG/PDF at a chosen pixel size and as CSV.
//
// Prompts: the editor's current prompt (setPrompt), or a list loaded from a file. The other
// beam options (max new tokens, length penalty, ...) come from setOptionsSource, normally the
// BeamPanel's form; width and numReturn are set by the sweep. Runs on the host's engine thread
// through the EngineRunner (engine_job.h); cancel stops between search steps. GUI thread only.

#include "core/engine/beam_scoring.h"
#include "ui/common/engine_job.h"

#include <QElapsedTimer>
#include <QStringList>
#include <QWidget>

#include <functional>

class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace cl {

class EngineTask;

class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);
    ~SweepView() override;

    void setRunner(EngineRunner runner);
    void setPrompt(const QString& prompt, const QString& templateName);
    /// Where the non-width options come from; default-constructed BeamOptions without one.
    void setOptionsSource(std::function<BeamOptions()> source);

    /// Prompts loaded from a file replace the current prompt until cleared (empty list).
    void setPromptList(const QStringList& prompts);
    /// The prompts the next run uses.
    QStringList prompts() const;

    /// Starts the sweep over the widths typed. False, with the reason in the status line, for a
    /// bad width list or without a runner.
    bool run();
    void cancel();
    bool isRunning() const;

    const std::vector<SweepRow>& rows() const { return m_rows; }
    /// Shows `rows` as if a sweep had produced them (also used after each run).
    void setRows(std::vector<SweepRow> rows);

    bool exportFigure(const QString& path, const QSize& size, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    /// The export size chosen in the spin boxes.
    QSize exportSize() const;

    QCustomPlot* plot() const { return m_plot; }
    QLineEdit* widthsEdit() const { return m_widths; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QString statusText() const;

signals:
    void sweepStarted();
    void sweepFinished();
    void sweepFailed(const QString& message);
    void sweepCancelled();

private:
    void setBusy(bool busy);
    void setStatus(const QString& text);
    void updatePromptLabel();
    void chooseExportFigure();
    void chooseExportCsv();
    void choosePromptFile();

    EngineTask* m_task = nullptr;
    std::function<BeamOptions()> m_options;
    QCustomPlot* m_plot = nullptr;
    QLineEdit* m_widths = nullptr;
    QLabel* m_promptLabel = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_loadPrompts = nullptr;
    QPushButton* m_clearPrompts = nullptr;
    QPushButton* m_exportFigure = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QSpinBox* m_exportWidth = nullptr;
    QSpinBox* m_exportHeight = nullptr;
    QString m_prompt;
    QString m_template = QStringLiteral("raw");
    QStringList m_promptList;
    std::vector<SweepRow> m_rows;
    QElapsedTimer m_clock;
};

} // namespace cl
