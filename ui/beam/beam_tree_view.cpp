#include "ui/beam/beam_tree_view.h"

#include "ui/common/reward_colormap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace cl {

namespace {

QString fateName(BeamNodeFate fate) {
    switch (fate) {
    case BeamNodeFate::Kept:
        return QStringLiteral("kept beam");
    case BeamNodeFate::Finished:
        return QStringLiteral("finished hypothesis");
    case BeamNodeFate::Pruned:
        break;
    }
    return QStringLiteral("pruned candidate");
}

/// The token as a box label: line breaks and all-blank tokens made visible.
QString label(const BeamTraceNode& n) {
    QString t = QString::fromStdString(n.text);
    t.replace(QLatin1Char('\n'), QChar(0x23CE)); // ⏎
    if (t.trimmed().isEmpty()) {
        t = QString(std::max<qsizetype>(1, t.size()), QChar(0x2423)); // ␣
    }
    return t;
}

QString number(double v) {
    return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', 4);
}

} // namespace

BeamTreeView::BeamTreeView(QWidget* parent) : QAbstractScrollArea(parent) {
    setObjectName("beamTreeView");
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    horizontalScrollBar()->setSingleStep(kColumnWidth / 4);
    verticalScrollBar()->setSingleStep(kRowHeight);
}

void BeamTreeView::setTrace(std::shared_ptr<const BeamTrace> trace, double colorLimit) {
    m_trace = std::move(trace);
    m_limit = colorLimit > 0 ? colorLimit : 1.0;
    m_final.clear();
    if (m_trace) {
        for (const BeamTraceEnd& end : m_trace->finals) {
            int node = end.node;
            for (int s = end.step; s >= 0 && node >= 0; --s) {
                m_final.insert({s, node});
                node = m_trace->steps[s].nodes[node].parent;
            }
        }
    }
    relayout();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    rebuildItems();
}

void BeamTreeView::setShowPruned(bool show) {
    if (show == m_showPruned) {
        return;
    }
    m_showPruned = show;
    relayout();
    rebuildItems();
}

bool BeamTreeView::onFinalPath(int step, int node) const {
    return m_final.count({step, node}) > 0;
}

void BeamTreeView::relayout() {
    m_order.clear();
    m_rowOf.clear();
    m_prunedHidden.clear();
    m_rows = 0;
    if (m_trace) {
        for (const BeamTraceStep& st : m_trace->steps) {
            std::vector<int> order;
            int hidden = 0;
            // Kept beams first, then finished hypotheses, then pruned candidates, each by rank.
            for (BeamNodeFate fate :
                 {BeamNodeFate::Kept, BeamNodeFate::Finished, BeamNodeFate::Pruned}) {
                for (int i = 0; i < static_cast<int>(st.nodes.size()); ++i) {
                    if (st.nodes[i].fate != fate) {
                        continue;
                    }
                    if (fate == BeamNodeFate::Pruned && !m_showPruned) {
                        ++hidden;
                    } else {
                        order.push_back(i);
                    }
                }
            }
            std::vector<int> rowOf(st.nodes.size(), -1);
            for (int r = 0; r < static_cast<int>(order.size()); ++r) {
                rowOf[order[r]] = r;
            }
            m_rows = std::max(m_rows, static_cast<int>(order.size()));
            m_order.push_back(std::move(order));
            m_rowOf.push_back(std::move(rowOf));
            m_prunedHidden.push_back(hidden);
        }
    }
    updateScrollBars();
    viewport()->update();
}

void BeamTreeView::updateScrollBars() {
    const int steps = m_trace ? static_cast<int>(m_trace->steps.size()) : 0;
    const int width = 2 * kMargin + (steps + 1) * kColumnWidth;
    const int height = kHeader + (m_rows + 1) * kRowHeight + kMargin;
    const QSize vp = viewport()->size();
    horizontalScrollBar()->setPageStep(vp.width());
    horizontalScrollBar()->setRange(0, std::max(0, width - vp.width()));
    verticalScrollBar()->setPageStep(vp.height());
    verticalScrollBar()->setRange(0, std::max(0, height - vp.height()));
}

QPoint BeamTreeView::origin() const {
    return {horizontalScrollBar()->value(), verticalScrollBar()->value()};
}

QRect BeamTreeView::nodeRect(int step, int node) const {
    if (step < 0) { // the prompt
        return {kMargin, kHeader, kNodeWidth, kNodeHeight};
    }
    if (step >= static_cast<int>(m_rowOf.size()) || node < 0 ||
        node >= static_cast<int>(m_rowOf[step].size()) || m_rowOf[step][node] < 0) {
        return {};
    }
    return {kMargin + (step + 1) * kColumnWidth, kHeader + m_rowOf[step][node] * kRowHeight,
            kNodeWidth, kNodeHeight};
}

void BeamTreeView::rebuildItems() {
    m_items.clear();
    if (!m_trace) {
        return;
    }
    const QRect visible(origin(), viewport()->size());
    const int steps = static_cast<int>(m_order.size());
    const int firstCol = std::max(0, (visible.left() - kMargin) / kColumnWidth - 1);
    const int lastCol = std::min(steps - 1, (visible.right() - kMargin) / kColumnWidth);
    const int firstRow = std::max(0, (visible.top() - kHeader) / kRowHeight);
    const int lastRow = (visible.bottom() - kHeader) / kRowHeight;
    for (int s = firstCol; s <= lastCol; ++s) {
        const int rows = std::min(static_cast<int>(m_order[s].size()) - 1, lastRow);
        for (int r = firstRow; r <= rows; ++r) {
            const int node = m_order[s][r];
            const QRect rect = nodeRect(s, node).translated(-visible.topLeft());
            if (rect.intersects(viewport()->rect())) {
                m_items.push_back({s, node, rect, onFinalPath(s, node)});
            }
        }
    }
}

std::optional<std::pair<int, int>> BeamTreeView::nodeAt(const QPoint& pos) const {
    for (const Item& item : m_items) {
        if (item.rect.contains(pos)) {
            return std::make_pair(item.step, item.node);
        }
    }
    return std::nullopt;
}

void BeamTreeView::ensureVisible(int step, int node) {
    const QRect r = nodeRect(step, node);
    if (r.isEmpty()) {
        return;
    }
    const QSize vp = viewport()->size();
    if (r.left() < origin().x() || r.right() > origin().x() + vp.width()) {
        horizontalScrollBar()->setValue(r.center().x() - vp.width() / 2);
    }
    if (r.top() < origin().y() || r.bottom() > origin().y() + vp.height()) {
        verticalScrollBar()->setValue(r.center().y() - vp.height() / 2);
    }
}

QString BeamTreeView::toolTipText(const BeamTraceNode& n, int step) {
    QString t = tr("Step %1 · %2 (rank %3)\n").arg(step + 1).arg(fateName(n.fate)).arg(n.rank + 1);
    t += tr("token “%1” (id %2)\n").arg(label(n)).arg(n.token);
    t += tr("log π_θ = %1\n").arg(number(n.logpPolicy));
    t += tr("log π_ref = %1\n").arg(number(n.logpRef));
    t += tr("r_t = β(log π_θ − log π_ref) = %1\n").arg(number(n.reward));
    t += tr("beam score Σ log π_θ = %1").arg(number(n.beamScore));
    return t;
}

void BeamTreeView::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing, true);
    if (!m_trace || m_trace->steps.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter,
                   tr("Run a search: its tree appears here, one column per step."));
        return;
    }
    const QPoint o = origin();
    p.translate(-o);
    const QRect visible(o, viewport()->size());
    const QColor edge = palette().color(QPalette::Mid);
    const QColor strong = palette().color(QPalette::Text);
    auto parentRect = [&](int step, const BeamTraceNode& n) {
        return step == 0 ? nodeRect(-1, 0) : nodeRect(step - 1, n.parent);
    };
    auto drawEdge = [&](int step, int node, bool bold) {
        const BeamTraceNode& n = m_trace->steps[step].nodes[node];
        const QRect from = parentRect(step, n);
        const QRect to = nodeRect(step, node);
        if (from.isEmpty() || to.isEmpty()) {
            return;
        }
        QPen pen(bold ? strong : edge, bold ? 2.5 : 1.0);
        if (n.fate == BeamNodeFate::Pruned) {
            pen.setStyle(Qt::DotLine);
        }
        p.setPen(pen);
        const QPointF a(from.right() + 1, from.center().y());
        const QPointF b(to.left(), to.center().y());
        QPainterPath path(a);
        path.cubicTo(a + QPointF(12, 0), b - QPointF(12, 0), b);
        p.drawPath(path);
    };
    // Edges: of every visible node, then the returned beams' paths in the visible columns.
    for (const Item& item : m_items) {
        if (!item.onFinalPath) {
            drawEdge(item.step, item.node, false);
        }
    }
    for (const auto& [step, node] : m_final) {
        const int x = kMargin + (step + 1) * kColumnWidth;
        if (x + kNodeWidth >= visible.left() && x - kColumnWidth <= visible.right()) {
            drawEdge(step, node, true);
        }
    }
    // Column headers and the prompt.
    p.setPen(strong);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    const int steps = static_cast<int>(m_order.size());
    for (int s = -1; s < steps; ++s) {
        const int x = kMargin + (s + 1) * kColumnWidth;
        if (x + kColumnWidth < visible.left() || x > visible.right()) {
            continue;
        }
        const QRect head(x, o.y(), kNodeWidth, kHeader - 2);
        p.drawText(head, Qt::AlignLeft | Qt::AlignVCenter,
                   s < 0 ? tr("prompt") : tr("step %1").arg(s + 1));
        if (s >= 0 && m_prunedHidden[s] > 0) {
            const QRect more(x, kHeader + static_cast<int>(m_order[s].size()) * kRowHeight,
                             kNodeWidth, kNodeHeight);
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(more, Qt::AlignLeft | Qt::AlignVCenter,
                       tr("+%1 pruned").arg(m_prunedHidden[s]));
            p.setPen(strong);
        }
    }
    const QRect root = nodeRect(-1, 0);
    if (root.intersects(visible)) {
        p.setPen(strong);
        p.setBrush(palette().color(QPalette::AlternateBase));
        p.drawRoundedRect(root, 3, 3);
        p.drawText(root, Qt::AlignCenter, tr("prompt"));
    }
    p.setFont(font());
    // Nodes: fill = r_t, outline = fate; the returned beams' nodes outlined bold.
    for (const Item& item : m_items) {
        const BeamTraceNode& n = m_trace->steps[item.step].nodes[item.node];
        const QRect r = item.rect.translated(o);
        const QColor fill = std::isnan(n.reward) ? palette().color(QPalette::Button)
                                                 : RewardColormap::color(n.reward, m_limit);
        QPen pen(n.fate == BeamNodeFate::Pruned ? edge : strong,
                 item.onFinalPath ? 2.5 : (n.fate == BeamNodeFate::Pruned ? 1.0 : 1.5));
        if (n.fate == BeamNodeFate::Pruned && !item.onFinalPath) {
            pen.setStyle(Qt::DashLine);
        }
        if (n.fate == BeamNodeFate::Finished) {
            pen.setColor(QColor(0x1b, 0x7f, 0x3b)); // ended by EOS or the stop string
        }
        p.setPen(pen);
        p.setBrush(fill);
        p.drawRoundedRect(r, 3, 3);
        p.setPen(RewardColormap::textColorOn(fill));
        const QString text = fontMetrics().elidedText(label(n), Qt::ElideRight, r.width() - 9);
        p.drawText(r.adjusted(3, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
    }
}

void BeamTreeView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    rebuildItems();
}

void BeamTreeView::scrollContentsBy(int, int) {
    rebuildItems();
    viewport()->update();
}

bool BeamTreeView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        if (auto hit = nodeAt(help->pos())) {
            QToolTip::showText(
                help->globalPos(),
                toolTipText(m_trace->steps[hit->first].nodes[hit->second], hit->first), viewport());
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace cl
