#pragma once
// The "Beam tree" tab of the Beam Search dock (issue #17 item 2): the last search's trace in a
// BeamTreeView, a toggle that collapses pruned candidates, and a one-line legend. The trace is
// computed with the search on the engine thread (BeamPanel records it); this only shows it.
// GUI thread only.

#include "core/engine/beam_trace.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;

namespace cl {

class BeamTreeView;

class BeamTreePanel : public QWidget {
    Q_OBJECT
public:
    explicit BeamTreePanel(QWidget* parent = nullptr);

    /// Shows `trace` (null clears) with colors over [-colorLimit, +colorLimit].
    void setTrace(std::shared_ptr<const BeamTrace> trace, double colorLimit);

    BeamTreeView* view() const { return m_view; }
    QCheckBox* prunedToggle() const { return m_pruned; }
    QString summaryText() const;

private:
    BeamTreeView* m_view = nullptr;
    QCheckBox* m_pruned = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace cl
