#pragma once
// The beam tree (issue #17 item 2): one column per search step, the step's kept beams, the
// hypotheses it finished and the candidates it pruned as small boxes, each colored by its
// r_t = beta (log pi_theta - log pi_ref) with the app's colormap, an edge to its parent, the
// returned beams' paths drawn bold. Hover shows log pi_theta, log pi_ref, r_t and the beam score.
//
// Lazy: the layout is arithmetic (column = step, row = position in the step's display order),
// and only the nodes inside the viewport become items, rebuilt on scroll and resize, so a
// W = 32, 64-step trace (~6000 nodes) costs a screenful per paint. Pruned candidates can be
// collapsed to a "+N pruned" line per column. GUI thread only.

#include "core/engine/beam_trace.h"

#include <QAbstractScrollArea>
#include <QRect>

#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace cl {

class BeamTreeView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit BeamTreeView(QWidget* parent = nullptr);

    /// Shows `trace` (null clears); colors span [-colorLimit, +colorLimit].
    void setTrace(std::shared_ptr<const BeamTrace> trace, double colorLimit);
    const BeamTrace* trace() const { return m_trace.get(); }
    double colorLimit() const { return m_limit; }

    /// Whether pruned candidates are drawn (true) or collapsed to a count per column.
    void setShowPruned(bool show);
    bool showPruned() const { return m_showPruned; }

    /// One node drawn in the viewport; rect in viewport coordinates.
    struct Item {
        int step = 0;
        int node = 0;
        QRect rect;
        bool onFinalPath = false;
    };
    /// The items created for the visible region (rebuilt on scroll, resize and setTrace).
    const std::vector<Item>& items() const { return m_items; }
    int itemCount() const { return static_cast<int>(m_items.size()); }

    /// The node under `viewportPos`, as (step, node index).
    std::optional<std::pair<int, int>> nodeAt(const QPoint& viewportPos) const;
    /// Content-space rectangle of (step, node); empty when the node is collapsed.
    QRect nodeRect(int step, int node) const;
    /// Scrolls so that (step, node) is visible.
    void ensureVisible(int step, int node);
    /// Whether (step, node) lies on the path of a returned beam.
    bool onFinalPath(int step, int node) const;

    /// The hover text of a node: token, fate, log pi_theta, log pi_ref, r_t and beam score.
    static QString toolTipText(const BeamTraceNode& node, int step);

    static constexpr int kColumnWidth = 112;
    static constexpr int kNodeWidth = 92;
    static constexpr int kRowHeight = 20;
    static constexpr int kNodeHeight = 16;
    static constexpr int kHeader = 22;
    static constexpr int kMargin = 6;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent* event) override;

private:
    void relayout();
    void updateScrollBars();
    void rebuildItems();
    QPoint origin() const; // content offset of the viewport's top-left corner

    std::shared_ptr<const BeamTrace> m_trace;
    double m_limit = 1.0;
    bool m_showPruned = true;
    std::vector<std::vector<int>> m_order; // per step: node indices in display order
    std::vector<std::vector<int>> m_rowOf; // per step, per node: display row, -1 = collapsed
    std::vector<int> m_prunedHidden;       // per step: pruned nodes collapsed
    std::set<std::pair<int, int>> m_final; // (step, node) on a returned beam's path
    int m_rows = 0;
    std::vector<Item> m_items;
};

} // namespace cl
