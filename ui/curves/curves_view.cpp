#include "ui/curves/curves_view.h"

#include "core/logs/metric_names.h"
#include "ui/curves/run_store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace cl {

CurvesView::CurvesView(QWidget* parent) : QWidget(parent), m_store(new RunStore(this)) {
    setAcceptDrops(true);
    m_selected = defaultDpoMetrics();
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 240);
    m_plot->installEventFilter(this); // a resize may change how many plots sit side by side
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_plot, 1);
    rightLayout->addWidget(m_summary);
    auto* split = new QSplitter(this);
    split->addWidget(buildControls());
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(split);

    connect(m_plot, &QCustomPlot::mouseMove, this, &CurvesView::showCrosshair);
    connect(m_store, &RunStore::runAdded, this, [this](int index) {
        auto* item = new QListWidgetItem(QString::fromStdString(m_store->run(index).name));
        item->setToolTip(QString::fromStdString(m_store->run(index).path));
        m_runList->insertItem(index, item);
        for (int i = 0; i < m_runList->count(); ++i) { // colors follow the (shifted) indices
            m_runList->item(i)->setForeground(runColor(i));
        }
        refreshMetricList();
        replot(false);
    });
    connect(m_store, &RunStore::runUpdated, this, [this] {
        refreshMetricList();
        replot(true); // live reload: keep the user's zoom
    });
    connect(m_store, &RunStore::failed, this, &CurvesView::message);
    connect(m_store, &RunStore::warned, this, &CurvesView::message);
    replot(false);
}

CurvesView::~CurvesView() = default;

QWidget* CurvesView::buildControls() {
    auto* panel = new QWidget(this);
    auto* v = new QVBoxLayout(panel);
    auto* open = new QPushButton(tr("Open runs…"), panel);
    connect(open, &QPushButton::clicked, this, &CurvesView::chooseFiles);
    m_runList = new QListWidget(panel);
    m_runList->setMaximumHeight(110);
    m_runList->setToolTip(tr("Open runs; drop log files or training output folders here"));
    m_search = new QLineEdit(panel);
    m_search->setPlaceholderText(tr("Search metrics"));
    m_search->setClearButtonEnabled(true);
    m_metricList = new QListWidget(panel);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int i = 0; i < m_metricList->count(); ++i) {
            QListWidgetItem* item = m_metricList->item(i);
            item->setHidden(!item->text().contains(text, Qt::CaseInsensitive));
        }
    });
    connect(m_metricList, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const bool on = item->checkState() == Qt::Checked;
        if (on != m_selected.contains(item->text())) {
            on ? void(m_selected << item->text()) : void(m_selected.removeAll(item->text()));
            m_userChoseMetrics = true;
            replot(false);
        }
    });
    m_smoothing = new QSlider(Qt::Horizontal, panel);
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothingLabel = new QLabel(panel);
    auto* formula =
        new QLabel(tr("TensorBoard's debiased EMA: s\u2096 = (w\u00b7m\u2096\u208b\u2081 + "
                      "(1\u2212w)\u00b7x\u2096) / (1\u2212w\u1d4f); raw curve faint "
                      "behind"),
                   panel);
    formula->setWordWrap(true);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_smoothingLabel->setText(tr("Smoothing %1").arg(value / 100.0, 0, 'f', 2));
        replot(true);
    });
    m_smoothingLabel->setText(tr("Smoothing 0.60"));
    m_xAxis = new QComboBox(panel);
    m_xAxis->addItems({tr("Step"), tr("Epoch"), tr("Relative time"), tr("Examples")});
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this] { replot(false); });
    m_overlay = new QCheckBox(tr("Overlay metrics in one plot"), panel);
    m_logY = new QCheckBox(tr("Log y"), panel);
    connect(m_overlay, &QCheckBox::toggled, this, [this] { replot(false); });
    connect(m_logY, &QCheckBox::toggled, this, [this] { replot(false); });
    auto* exportFigure = new QPushButton(tr("Export figure…"), panel);
    auto* exportCsv = new QPushButton(tr("Export CSV…"), panel);
    connect(exportFigure, &QPushButton::clicked, this, &CurvesView::exportFigureDialog);
    connect(exportCsv, &QPushButton::clicked, this, &CurvesView::exportCsvDialog);
    for (QWidget* w : std::initializer_list<QWidget*>{
             open, m_runList, m_search, m_metricList, m_smoothingLabel, m_smoothing, formula,
             m_xAxis, m_overlay, m_logY, exportFigure, exportCsv}) {
        v->addWidget(w);
    }
    return panel;
}

void CurvesView::openPaths(const QStringList& paths) {
    for (const QString& p : paths) {
        m_store->open(p);
    }
}

void CurvesView::refreshMetricList() {
    const QStringList ids = metricIds(m_store->runs());
    if (!m_userChoseMetrics) {
        // Pre-select the DPO metrics that exist; fall back to loss when none does.
        QStringList dpo;
        for (const QString& m : defaultDpoMetrics()) {
            if (ids.contains(m)) {
                dpo << m;
            }
        }
        m_selected = dpo.isEmpty() && ids.contains("loss") ? QStringList{"loss"} : dpo;
    }
    QSignalBlocker block(m_metricList);
    m_metricList->clear();
    for (const QString& id : ids) {
        auto* item = new QListWidgetItem(id, m_metricList);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m_selected.contains(id) ? Qt::Checked : Qt::Unchecked);
        const QString name = id.startsWith("eval: ") ? id.mid(6) : id;
        item->setToolTip(QString::fromStdString(logs::describeMetric(name.toStdString())));
        item->setHidden(!id.contains(m_search->text(), Qt::CaseInsensitive));
    }
}

CurveSettings CurvesView::settings() const {
    CurveSettings s;
    const QStringList ids = metricIds(m_store->runs());
    for (const QString& m : m_selected) {
        if (ids.contains(m)) {
            s.metrics << m;
        }
    }
    s.smoothing = m_smoothing->value() / 100.0;
    s.logY = m_logY->isChecked();
    s.overlay = m_overlay->isChecked();
    s.xAxis = CurveXAxis(m_xAxis->currentIndex());
    s.title = tr("Training curves");
    return s;
}

bool CurvesView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::Resize) {
        const CurveSettings s = settings();
        const int plots = s.overlay ? 1 : int(s.metrics.size());
        if (CurvePlotter::columnsFor(plots, m_plot->size()) != m_columns) {
            QMetaObject::invokeMethod(this, [this] { replot(true); }, Qt::QueuedConnection);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CurvesView::replot(bool keepRanges) {
    const CurveSettings s = settings();
    m_columns = CurvePlotter::columnsFor(s.overlay ? 1 : int(s.metrics.size()), m_plot->size());
    CurvePlotter::build(*m_plot, m_store->runs(), s, keepRanges);
    updateSummary();
    emit curvesChanged();
}

void CurvesView::updateSummary() {
    QString html;
    for (int i = 0; i < m_store->size(); ++i) {
        const DpoSummary d = summarizeDpo(m_store->run(i));
        if (!d.valid) {
            continue;
        }
        html +=
            QStringLiteral("<b style='color:%1'>%2</b>: chosen %3 \u2192 %4, rejected %5 \u2192 "
                           "%6, margin %7 \u2192 %8")
                .arg(runColor(i).name(),
                     QString::fromStdString(m_store->run(i).name).toHtmlEscaped())
                .arg(d.chosenStart, 0, 'g', 3)
                .arg(d.chosenEnd, 0, 'g', 3)
                .arg(d.rejectedStart, 0, 'g', 3)
                .arg(d.rejectedEnd, 0, 'g', 3)
                .arg(d.marginStart, 0, 'g', 3)
                .arg(d.marginEnd, 0, 'g', 3);
        if (d.accuracyEnd >= 0) {
            html += QStringLiteral(", accuracy %1").arg(d.accuracyEnd, 0, 'g', 3);
        }
        if (d.bothFall) {
            html += QStringLiteral("<br>\u2691 <i>Chosen and rejected rewards both fall.</i> ") +
                    bothFallExplanation().toHtmlEscaped();
        } else if (d.chosenRises) {
            html += QStringLiteral("<br>\u2691 <i>Chosen rewards rise.</i> ") +
                    chosenRisesExplanation().toHtmlEscaped();
        }
        html += QStringLiteral("<br>");
    }
    m_summary->setText(html);
    m_summary->setVisible(!html.isEmpty());
}

QString CurvesView::summaryText() const {
    return m_summary->text();
}

void CurvesView::showCrosshair(QMouseEvent* event) {
    QCPAxisRect* rect = m_plot->axisRectAt(event->pos());
    if (!rect) {
        return;
    }
    const double x = rect->axis(QCPAxis::atBottom)->pixelToCoord(event->pos().x());
    if (!m_crosshair || m_crosshair->clipAxisRect() != rect) {
        if (m_crosshair) {
            m_plot->removeItem(m_crosshair);
        }
        m_crosshair = new QCPItemStraightLine(m_plot);
        m_crosshair->setClipAxisRect(rect);
        m_crosshair->setPen(QPen(QColor(80, 80, 80, 160), 1, Qt::DotLine));
        for (QCPItemPosition* p : {m_crosshair->point1, m_crosshair->point2}) {
            p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        }
    }
    m_crosshair->point1->setCoords(x, 0);
    m_crosshair->point2->setCoords(x, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    QStringList lines{
        QStringLiteral("%1 = %2").arg(xAxisTitle(settings().xAxis)).arg(x, 0, 'g', 6)};
    for (QCPGraph* g : rect->graphs()) {
        if (g->data()->isEmpty() ||
            (settings().smoothing > 0 && !g->property("cl_smoothed").toBool())) {
            continue;
        }
        auto it = g->data()->findBegin(x, false);
        if (it == g->data()->constEnd()) {
            --it;
        } else if (it != g->data()->constBegin() &&
                   std::abs((it - 1)->key - x) < std::abs(it->key - x)) {
            --it;
        }
        lines << QStringLiteral("%1: %2 (at %3)")
                     .arg(g->property("cl_run").toString())
                     .arg(it->value, 0, 'g', 5)
                     .arg(it->key, 0, 'g', 6);
    }
    QToolTip::showText(event->globalPosition().toPoint(), lines.join('\n'), m_plot);
}

void CurvesView::setSelectedMetrics(const QStringList& ids) {
    m_selected = ids;
    m_userChoseMetrics = true;
    refreshMetricList();
    replot(false);
}

QStringList CurvesView::selectedMetrics() const {
    return m_selected;
}

void CurvesView::setSmoothing(double weight) {
    m_smoothing->setValue(int(std::lround(weight * 100)));
}

void CurvesView::setLogY(bool on) {
    m_logY->setChecked(on);
}

void CurvesView::setOverlay(bool on) {
    m_overlay->setChecked(on);
}

void CurvesView::setXAxis(CurveXAxis axis) {
    m_xAxis->setCurrentIndex(int(axis));
}

bool CurvesView::exportFigure(const QString& path, const QSize& size, int dpi, QString* error) {
    return CurvePlotter::exportFigure(*m_plot, path, size, dpi, error);
}

bool CurvesView::exportCsv(const QString& path, QString* error) {
    return CurvePlotter::exportCsv(m_store->runs(), settings(), path, error);
}

void CurvesView::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        event->acceptProposedAction();
    }
}

void CurvesView::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            paths << url.toLocalFile();
        }
    }
    openPaths(paths);
    event->acceptProposedAction();
}

void CurvesView::chooseFiles() {
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open training logs"), QString(),
                                      tr("Training logs (*.json *.jsonl *.csv *.log *.txt "
                                         "events.out.tfevents.*);;All files (*)"));
    openPaths(files);
}

void CurvesView::exportFigureDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export figure"), "curves.png",
                                                      tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
    QString error;
    if (!path.isEmpty() && !exportFigure(path, QSize(1600, 900), 150, &error)) {
        emit message(error);
    }
}

void CurvesView::exportCsvDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plotted data"), "curves.csv",
                                                      tr("CSV (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error)) {
        emit message(error);
    }
}

} // namespace cl
