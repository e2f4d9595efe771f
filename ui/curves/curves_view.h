#pragma once
// The Training Curves view (issue #8): open several runs (files or output folders, drag and
// drop), pick metrics from a searchable list (DPO metrics pre-selected), one plot per metric or
// overlaid, EMA smoothing over the faint raw curve, x = step / epoch / time / examples, log-y,
// zoom and pan, a crosshair tooltip with every run's value, a DPO summary panel, live reload
// without losing the zoom, and figure/CSV export. GUI thread only.

#include "ui/curves/curve_plotter.h"

#include <QPointer>
#include <QSize>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QListWidget;
class QSlider;

namespace cl {

class RunStore;

class CurvesView : public QWidget {
    Q_OBJECT

public:
    explicit CurvesView(QWidget* parent = nullptr);
    ~CurvesView() override;

    /// Opens each path (log file or training output folder) in the background.
    void openPaths(const QStringList& paths);

    /// Writes the current plot(s) as .png (pixel size, dpi stored), .svg or .pdf.
    bool exportFigure(const QString& path, const QSize& size, int dpi, QString* error = nullptr);
    /// Writes the plotted raw and smoothed series as CSV.
    bool exportCsv(const QString& path, QString* error = nullptr);

    QStringList selectedMetrics() const;
    void setSelectedMetrics(const QStringList& ids);
    void setSmoothing(double weight);
    void setLogY(bool on);
    void setOverlay(bool on);
    void setXAxis(CurveXAxis axis);
    CurveSettings settings() const;

    QCustomPlot* plot() const { return m_plot; }
    const RunStore& store() const { return *m_store; }
    /// The summary panel's text (for tests and accessibility).
    QString summaryText() const;

signals:
    /// After a run was added or grew and the plots were redrawn.
    void curvesChanged();
    /// A non-fatal problem, one sentence (unreadable file, skipped lines).
    void message(const QString& text);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildControls();
    void refreshMetricList();
    void replot(bool keepRanges);
    void updateSummary();
    void showCrosshair(QMouseEvent* event);
    void chooseFiles();
    void exportFigureDialog();
    void exportCsvDialog();

    RunStore* m_store = nullptr;
    QCustomPlot* m_plot = nullptr;
    int m_columns = 1; // plots side by side in the last build (CurvePlotter::columnsFor)
    QListWidget* m_runList = nullptr;
    QLineEdit* m_search = nullptr;
    QListWidget* m_metricList = nullptr;
    QSlider* m_smoothing = nullptr;
    QLabel* m_smoothingLabel = nullptr;
    QComboBox* m_xAxis = nullptr;
    QCheckBox* m_overlay = nullptr;
    QCheckBox* m_logY = nullptr;
    QLabel* m_summary = nullptr;
    QPointer<QCPItemStraightLine> m_crosshair;
    QStringList m_selected;
    bool m_userChoseMetrics = false;
};

} // namespace cl
