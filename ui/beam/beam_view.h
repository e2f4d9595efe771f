#pragma once
// The beam-search dock content: the n-best panel, its search's tree (issue #17 item 2) and the
// width sweep as tabs; the panel and the sweep share one engine runner, one prompt and one set
// of beam options (the panel's form). This is the one
// widget a host wires up: setRunner, setPrompt, copyToResponse, cancel before the engine goes.
// GUI thread only.

#include "ui/common/engine_job.h"

#include <QTabWidget>

namespace cl {

class BeamPanel;
class BeamTreePanel;
class SweepView;

class BeamView : public QTabWidget {
    Q_OBJECT
public:
    explicit BeamView(QWidget* parent = nullptr);
    /// Cancels whatever runs and saves the options (QSettings group "beam").
    ~BeamView() override;

    /// See engine_job.h: the host posts each job to the thread that owns the models.
    void setRunner(EngineRunner runner);
    /// The prompt and template the next search or sweep starts from.
    void setPrompt(const QString& prompt, const QString& templateName);
    /// Cancels a running search and sweep (atomic flags; returns at once).
    void cancel();
    bool isRunning() const;

    BeamPanel* panel() const { return m_panel; }
    SweepView* sweep() const { return m_sweep; }
    BeamTreePanel* tree() const { return m_tree; }

    /// Options and sweep widths from / to QSettings (group "beam").
    void restoreSettings();
    void saveSettings() const;

signals:
    /// Forwarded from the panel: put `text` into the response editor.
    void copyToResponse(const QString& text);

private:
    BeamPanel* m_panel = nullptr;
    SweepView* m_sweep = nullptr;
    BeamTreePanel* m_tree = nullptr;
};

} // namespace cl
