#pragma once
// Writes a QCustomPlot as a figure file, chosen by the file's suffix: .png (pixel size `size`,
// `dpi` stored in the file), .svg (size as the view box) or .pdf (size in points). Shared by the
// Training Curves view and the beam width-sweep chart. GUI thread only.

#include <QSize>
#include <QString>

class QCustomPlot;

namespace cl {

/// Returns false with one sentence in *error (naming the path) on failure.
bool exportPlotFigure(QCustomPlot& plot, const QString& path, const QSize& size, int dpi,
                      const QString& svgTitle, QString* error = nullptr);

} // namespace cl
