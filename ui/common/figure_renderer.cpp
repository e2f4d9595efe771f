#include "ui/common/figure_renderer.h"

#include "ui/common/color_bar.h"
#include "ui/common/reward_colormap.h"
#include "ui/common/token_spans.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>

namespace cl {

namespace {

constexpr double kMargin = 18.0; // points
constexpr double kPanelGap = 14.0;

/// A font whose size, on `device` after scaling by dpi/72, is `pt` points.
QFont fontFor(const FigureOptions& o, QPaintDevice* device, double scale = 1.0, bool bold = false) {
    QFont f(o.fontFamily);
    const double dpi = device ? device->logicalDpiY() : 72.0;
    f.setPointSizeF(o.fontPt * scale * 72.0 / dpi);
    f.setBold(bold);
    return f;
}

QImage referenceImage() {
    QImage img(1, 1, QImage::Format_ARGB32);
    img.setDotsPerMeterX(2835); // 72 dpi: one unit = one point
    img.setDotsPerMeterY(2835);
    return img;
}

} // namespace

FigureRenderer::FigureRenderer(std::vector<FigurePanel> panels, FigureOptions options)
    : m_panels(std::move(panels)), m_options(std::move(options)) {
    layout();
}

QSize FigureRenderer::pngSize() const {
    return {static_cast<int>(std::lround(m_options.widthInches * m_options.dpi)),
            static_cast<int>(std::lround(m_height / 72.0 * m_options.dpi))};
}

void FigureRenderer::layout() {
    m_boxes.clear();
    double top = kMargin;
    if (!m_options.caption.isEmpty()) {
        QImage ref = referenceImage();
        const QFontMetricsF fm(fontFor(m_options, &ref, 0.9), &ref);
        const QRectF r = fm.boundingRect(QRectF(kMargin, top, widthPoints() - 2 * kMargin, 1e6),
                                         Qt::TextWordWrap, m_options.caption);
        m_boxes.push_back({QRectF(kMargin, top, widthPoints() - 2 * kMargin, r.height()),
                           m_options.caption, QColor(), false, true});
        top += r.height() + kPanelGap * 0.6;
    }
    for (const FigurePanel& panel : m_panels) {
        top = layoutPanel(panel, top) + kPanelGap;
    }
    if (m_panels.size() == 2) {
        const double p = bradleyTerry(m_panels[0].score.rewardSum, m_panels[1].score.rewardSum);
        const QString line = QStringLiteral("P(%1 ≻ %2) = σ(Σr₁ − Σr₂) = %3")
                                 .arg(m_panels[0].title, m_panels[1].title)
                                 .arg(p, 0, 'f', 3);
        m_boxes.push_back({QRectF(kMargin, top, widthPoints() - 2 * kMargin, m_options.fontPt * 1.4),
                           line, QColor(), false, false});
        top += m_options.fontPt * 1.4 + kPanelGap * 0.5;
    }
    m_colorBarTop = top;
    m_height = top + ColorBar::preferredHeight(m_options.fontPt * 1.2) + kMargin;
}

double FigureRenderer::layoutPanel(const FigurePanel& panel, double top) {
    QImage ref = referenceImage();
    const QFontMetricsF fm(fontFor(m_options, &ref), &ref);
    const double lineHeight = fm.height() * 1.35;
    const double left = kMargin;
    const double right = widthPoints() - kMargin;
    const ResponseScore& s = panel.score;

    const QString title = QStringLiteral("%1   Σr = %2   mean r = %3   %4 tokens")
                              .arg(panel.title)
                              .arg(s.rewardSum, 0, 'f', 3)
                              .arg(s.rewardMean, 0, 'f', 3)
                              .arg(s.tokens.size());
    m_boxes.push_back({QRectF(left, top, right - left, lineHeight), title, QColor(), true, false});
    double y = top + lineHeight * 1.1;
    double x = left;
    const std::vector<CharSpan> spans = tokenCharSpans(s, panel.text);
    auto place = [&](const QString& piece, const QColor& bg, bool small) {
        const double w = fm.horizontalAdvance(piece) * (small ? 0.75 : 1.0) + (small ? 4.0 : 0.0);
        if (x + w > right && x > left) {
            x = left;
            y += lineHeight;
        }
        m_boxes.push_back({QRectF(x, y, w, fm.height() * 1.15), piece, bg, false, small});
        x += w;
    };
    int covered = 0;
    for (size_t i = 0; i < s.tokens.size(); ++i) {
        const QColor bg = RewardColormap::color(s.tokens[i].reward, m_options.limit);
        if (s.tokens[i].isEos || spans[i].end <= spans[i].start) {
            place(QStringLiteral("EOS"), bg, true);
            continue;
        }
        if (spans[i].start > covered) { // text no token covers (should not happen): uncolored
            place(panel.text.mid(covered, spans[i].start - covered), QColor(), false);
        }
        const QStringList lines = panel.text.mid(spans[i].start, spans[i].end - spans[i].start)
                                      .split(QLatin1Char('\n'));
        for (qsizetype k = 0; k < lines.size(); ++k) {
            if (k > 0) {
                x = left;
                y += lineHeight;
            }
            if (!lines[k].isEmpty()) {
                place(lines[k], bg, false);
            }
        }
        covered = std::max(covered, spans[i].end);
    }
    return y + lineHeight;
}

void FigureRenderer::paint(QPainter& painter, QPaintDevice* device) const {
    painter.save();
    const double scale = device->logicalDpiX() / 72.0;
    painter.scale(scale, scale);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.fillRect(QRectF(0, 0, widthPoints(), m_height), Qt::white);
    for (const Box& box : m_boxes) {
        if (box.background.isValid()) {
            painter.fillRect(box.rect, box.background);
        }
        painter.setFont(fontFor(m_options, device, box.small ? 0.75 : 1.0, box.bold));
        painter.setPen(box.background.isValid() ? RewardColormap::textColorOn(box.background)
                                                : QColor(Qt::black));
        const int flags = box.background.isValid() ? Qt::AlignCenter | Qt::TextDontClip
                                                   : Qt::AlignLeft | Qt::TextWordWrap;
        painter.drawText(box.rect, flags, box.text);
    }
    painter.setFont(fontFor(m_options, device, 0.9));
    painter.setPen(Qt::black);
    const QFontMetricsF fm(painter.font(), device);
    ColorBar::paint(painter,
                    QRectF(kMargin, m_colorBarTop, widthPoints() - 2 * kMargin,
                           ColorBar::preferredHeight(fm.height())),
                    m_options.limit, QStringLiteral("r_t = β log π_θ/π_ref"));
    painter.restore();
}

bool FigureRenderer::savePng(const QString& path, QString* error) const {
    QImage image(pngSize(), QImage::Format_ARGB32);
    const int dpm = static_cast<int>(std::lround(m_options.dpi / 0.0254));
    image.setDotsPerMeterX(dpm);
    image.setDotsPerMeterY(dpm);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        paint(painter, &image);
    }
    if (!image.save(path, "PNG")) {
        if (error) {
            *error = QObject::tr("Could not write the PNG file %1.").arg(path);
        }
        return false;
    }
    return true;
}

bool FigureRenderer::saveSvg(const QString& path, QString* error) const {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setResolution(96);
    const QSize size(static_cast<int>(std::lround(widthPoints() / 72.0 * 96)),
                     static_cast<int>(std::lround(m_height / 72.0 * 96)));
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("CreditLens per-token rewards"));
    QPainter painter;
    if (!painter.begin(&svg)) {
        if (error) {
            *error = QObject::tr("Could not write the SVG file %1.").arg(path);
        }
        return false;
    }
    paint(painter, &svg);
    painter.end();
    return QFileInfo(path).size() > 0;
}

bool FigureRenderer::savePdf(const QString& path, QString* error) const {
    QPdfWriter pdf(path);
    pdf.setResolution(1200);
    pdf.setPageLayout(QPageLayout(
        QPageSize(QSizeF(widthPoints(), m_height), QPageSize::Point, QString(),
                  QPageSize::ExactMatch),
        QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
    pdf.setCreator(QStringLiteral("CreditLens"));
    QPainter painter;
    if (!painter.begin(&pdf)) {
        if (error) {
            *error = QObject::tr("Could not write the PDF file %1.").arg(path);
        }
        return false;
    }
    paint(painter, &pdf);
    painter.end();
    return true;
}

bool FigureRenderer::save(const QString& path, QString* error) const {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "png") {
        return savePng(path, error);
    }
    if (suffix == "svg") {
        return saveSvg(path, error);
    }
    if (suffix == "pdf") {
        return savePdf(path, error);
    }
    if (error) {
        *error = QObject::tr("Unknown figure format \"%1\": use .png, .svg or .pdf.").arg(suffix);
    }
    return false;
}

} // namespace cl
