#include "ui/beam/beam_tree_panel.h"

#include "ui/beam/beam_tree_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cl {

BeamTreePanel::BeamTreePanel(QWidget* parent) : QWidget(parent) {
    setObjectName("beamTreePanel");
    m_view = new BeamTreeView(this);
    m_pruned = new QCheckBox(tr("Show pruned candidates"), this);
    m_pruned->setObjectName("beamTreePruned");
    m_pruned->setChecked(true);
    m_pruned->setToolTip(tr("Each step considers the top max(2, 1 + number of EOS ids)·W "
                            "candidates; those neither kept nor finished are pruned"));
    m_summary = new QLabel(this);
    m_summary->setObjectName("beamTreeSummary");
    m_summary->setWordWrap(true);
    auto* top = new QHBoxLayout;
    top->addWidget(m_pruned);
    top->addWidget(m_summary, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    connect(m_pruned, &QCheckBox::toggled, m_view, &BeamTreeView::setShowPruned);
    setTrace(nullptr, 1.0);
}

void BeamTreePanel::setTrace(std::shared_ptr<const BeamTrace> trace, double colorLimit) {
    if (!trace || trace->steps.empty()) {
        m_summary->setText(tr("No search yet."));
    } else {
        size_t pruned = 0;
        for (const BeamTraceStep& s : trace->steps) {
            for (const BeamTraceNode& n : s.nodes) {
                pruned += n.fate == BeamNodeFate::Pruned;
            }
        }
        m_summary->setText(
            tr("W = %1 · %2 steps · %3 candidates (%4 pruned) · fill = r_t on ±%5 · bold = "
               "returned beams · green = finished · dashed = pruned")
                .arg(trace->width)
                .arg(trace->steps.size())
                .arg(trace->nodeCount())
                .arg(pruned)
                .arg(colorLimit));
    }
    m_view->setTrace(std::move(trace), colorLimit);
}

QString BeamTreePanel::summaryText() const {
    return m_summary->text();
}

} // namespace cl
