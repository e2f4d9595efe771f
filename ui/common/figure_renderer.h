#pragma once
// Renders colored responses with a color bar as a figure in the style of the paper's Figure 1:
// each token's text on a background colored by its reward, wrapped like a paragraph, titled with
// Σr, and a color bar underneath. The same layout goes to PNG (any DPI), SVG and PDF. Layout is
// in points (1/72 inch); GUI thread only (uses QFont).

#include "core/engine/scoring_types.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>

#include <vector>

class QPainter;
class QPaintDevice;

namespace cl {

/// One response of the figure: its text and the score computed for exactly that text.
struct FigurePanel {
    QString title;
    QString text;
    ResponseScore score;
};

struct FigureOptions {
    double widthInches = 6.5; ///< figure width; the height follows from the layout
    int dpi = 300;            ///< PNG resolution (SVG uses 96, PDF is vector)
    double limit = 1.0;       ///< color range [-limit, limit]
    double fontPt = 11.0;
    QString fontFamily = QStringLiteral("DejaVu Sans");
    QString caption;          ///< optional line above the panels (e.g. the prompt)
};

class FigureRenderer {
public:
    FigureRenderer(std::vector<FigurePanel> panels, FigureOptions options);

    double widthPoints() const { return m_options.widthInches * 72.0; }
    double heightPoints() const { return m_height; }
    /// Where the color bar starts (points from the top): the tokens lie above it.
    double colorBarTopPoints() const { return m_colorBarTop; }
    /// Pixel size of the PNG export: width = widthInches * dpi.
    QSize pngSize() const;

    /// Paints the figure on `device` with its top-left at the origin, scaled to the device DPI.
    void paint(QPainter& painter, QPaintDevice* device) const;

    /// Writers; on failure they return false and set *error to one sentence.
    bool savePng(const QString& path, QString* error = nullptr) const;
    bool saveSvg(const QString& path, QString* error = nullptr) const;
    bool savePdf(const QString& path, QString* error = nullptr) const;
    /// Chooses the writer by suffix (.png, .svg, .pdf).
    bool save(const QString& path, QString* error = nullptr) const;

private:
    struct Box {
        QRectF rect;   // points
        QString text;
        QColor background; // invalid: no fill
        bool bold = false;
        bool small = false;
    };
    void layout();
    double layoutPanel(const FigurePanel& panel, double top);

    std::vector<FigurePanel> m_panels;
    FigureOptions m_options;
    std::vector<Box> m_boxes;
    double m_colorBarTop = 0.0;
    double m_height = 0.0;
};

} // namespace cl
