#include "ui/window/export_controller.h"

#include "ui/common/figure_renderer.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/token_data_export.h"
#include "ui/editor/workbench.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMimeData>
#include <QSettings>
#include <QWidget>

namespace cl {

ExportController::ExportController(QWidget* window, Workbench* workbench)
    : QObject(window), m_window(window), m_workbench(workbench) {}

void ExportController::exportFigure() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    if (panels.empty()) {
        emit failed(tr("Nothing to export"), tr("Score a response first."));
        return;
    }
    QSettings settings;
    QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export figure"),
        settings.value("export/lastFigure", "rewards.png").toString(),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty()) {
        return;
    }
    if (QFileInfo(path).suffix().isEmpty()) {
        path += ".png";
    }
    FigureOptions options;
    options.limit = m_workbench->colorLimit();
    options.widthInches = settings.value("export/widthInches", 6.5).toDouble();
    options.dpi = settings.value("export/dpi", 300).toInt();
    options.caption = m_workbench->promptPane()->prompt().left(300);
    if (QFileInfo(path).suffix().toLower() == "png") {
        bool ok = false;
        options.dpi = QInputDialog::getInt(m_window, tr("Export PNG"), tr("Resolution (DPI):"),
                                           options.dpi, 72, 1200, 1, &ok);
        if (!ok) {
            return;
        }
        settings.setValue("export/dpi", options.dpi);
    }
    QString error;
    if (!FigureRenderer(panels, options).save(path, &error)) {
        emit failed(tr("Export failed"), error);
        return;
    }
    settings.setValue("export/lastFigure", path);
    emit message(tr("Exported %1").arg(path), 5000);
}

void ExportController::exportData() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    if (panels.empty()) {
        emit failed(tr("Nothing to export"), tr("Score a response first."));
        return;
    }
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export token data"), "tokens.csv",
                                                tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (!TokenDataExport::save(path, panels, &error)) {
        emit failed(tr("Export failed"), error);
    }
}

void ExportController::copyHtml() {
    const std::vector<FigurePanel> panels = m_workbench->figurePanels();
    auto* mime = new QMimeData;
    mime->setHtml(TokenDataExport::toHtml(panels, m_workbench->colorLimit()));
    QStringList plain;
    for (const FigurePanel& p : panels) {
        plain << p.text;
    }
    mime->setText(plain.join("\n\n"));
    QApplication::clipboard()->setMimeData(mime);
    emit message(tr("Copied the colored response as HTML."), 3000);
}

} // namespace cl
