#include "ui/common/figure_export.h"

#include <QFileInfo>
#include <QSvgGenerator>

#include <qcustomplot.h>

namespace cl {

bool exportPlotFigure(QCustomPlot& plot, const QString& path, const QSize& size, int dpi,
                      const QString& svgTitle, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot.savePng(path, size.width(), size.height(), 1.0, -1, dpi, QCP::ruDotsPerInch);
    } else if (suffix == QLatin1String("pdf")) {
        ok = plot.savePdf(path, size.width(), size.height());
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(svgTitle);
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            plot.toPainter(&painter, size.width(), size.height());
            ok = painter.end();
        }
    } else {
        if (error) {
            *error = QStringLiteral("%1: unknown figure type '%2'; expected .png, .svg or .pdf")
                         .arg(path, suffix);
        }
        return false;
    }
    if (!ok && error) {
        *error = QStringLiteral("%1: could not be written").arg(path);
    }
    return ok;
}

} // namespace cl
