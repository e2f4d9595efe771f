#pragma once
// Beam search from the current prompt (issue #7): the options form, Run / Cancel with a
// progress bar, the n-best table, and the selected beam's text colored by per-token implicit
// reward (diverging colormap centred at 0, one color range over all returned beams). "Copy to
// response editor" (or a double-click on a row) emits copyToResponse.
//
// Threads: the search runs on the host's engine thread through the EngineRunner given to
// setRunner() (see engine_job.h), never on the GUI thread. Cancel sets an atomic flag the core
// search polls every step. GUI thread only.

#include "core/engine/beam_scoring.h"
#include "core/engine/beam_trace.h"
#include "ui/common/engine_job.h"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace cl {

class BeamOptionsForm;
class ColorBar;
class EngineTask;
class NBestModel;
class RewardEditor;

class BeamPanel : public QWidget {
    Q_OBJECT
public:
    explicit BeamPanel(QWidget* parent = nullptr);
    ~BeamPanel() override;

    /// How searches reach the models; without one Run reports that no engine is attached.
    void setRunner(EngineRunner runner);

    /// The prompt searched from and the template that turns it into ids (as the editor's
    /// PromptPane: "raw", "tldr" or "chat"). The beam continues the template's prompt part.
    void setPrompt(const QString& prompt, const QString& templateName);
    QString prompt() const { return m_prompt; }
    QString templateName() const { return m_template; }

    BeamOptionsForm* optionsForm() const { return m_form; }

    /// Starts a search with the form's options (a running one is superseded). Returns false,
    /// with the reason in the status line, when no runner is set.
    bool run();
    /// Cancels the running search; the table keeps the previous results.
    void cancel();
    bool isRunning() const;

    NBestModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    RewardEditor* beamView() const { return m_view; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* copyButton() const { return m_copy; }
    QProgressBar* progressBar() const { return m_progress; }
    QString statusText() const;

    /// Shows beam `row` in the colored view (-1 clears it).
    void showBeam(int row);
    int shownBeam() const { return m_shown; }
    /// The color range used for all beams of the last search: [-limit, limit].
    double colorLimit() const { return m_limit; }
    /// The last search's tree (issue #17 item 2), recorded with it on the engine thread; null
    /// before the first search.
    std::shared_ptr<const BeamTrace> trace() const { return m_trace; }

signals:
    /// The user wants `text` (the selected beam's response) in the response editor.
    void copyToResponse(const QString& text);
    void searchStarted();
    void searchFinished();
    /// A finished search's trace is in trace() (emitted just before searchFinished).
    void traceReady();
    void searchFailed(const QString& message);
    void searchCancelled();

private:
    void setBusy(bool busy);
    void setStatus(const QString& text);
    void onFinished(std::vector<ScoredBeam> beams, const BeamOptions& options);

    EngineTask* m_task = nullptr;
    BeamOptionsForm* m_form = nullptr;
    NBestModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    RewardEditor* m_view = nullptr;
    ColorBar* m_colorBar = nullptr;
    QLabel* m_promptLabel = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_beamSummary = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_copy = nullptr;
    QString m_prompt;
    QString m_template = QStringLiteral("raw");
    QElapsedTimer m_clock;
    double m_limit = 1.0;
    int m_shown = -1;
    std::shared_ptr<const BeamTrace> m_trace;
};

} // namespace cl
