// Figure export (issue #6 item 5): PNG/SVG/PDF exist, are valid and have the requested size.

#include "ui/common/figure_renderer.h"
#include "ui/common/reward_colormap.h"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>

namespace {

cl::FigurePanel panel(const QString& title, const QString& text, double sign) {
    cl::FigurePanel p;
    p.title = title;
    p.text = text;
    const QByteArray utf8 = text.toUtf8();
    int64_t start = 0;
    int i = 0;
    // One token per word (with its leading space), rewards alternating in sign and growing.
    for (int64_t b = 1; b <= utf8.size(); ++b) {
        if (b == utf8.size() || utf8[static_cast<qsizetype>(b)] == ' ') {
            cl::TokenScore t;
            t.start = start;
            t.end = b;
            t.reward = sign * ((i % 2) ? -0.1 : 0.1) * (1 + i);
            t.text = utf8.mid(start, b - start).toStdString();
            p.score.tokens.push_back(t);
            p.score.rewardSum += t.reward;
            start = b;
            ++i;
        }
    }
    return p;
}

std::vector<cl::FigurePanel> twoPanels() {
    const QString long1 = "The quick brown fox jumps over the lazy dog and keeps running across "
                          "the field until the sun sets behind the hills of the valley.";
    return {panel("chosen", long1, 1.0), panel("rejected", "A short one.\nSecond line.", -1.0)};
}

} // namespace

class TestFigureRenderer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void png_data() {
        QTest::addColumn<double>("inches");
        QTest::addColumn<int>("dpi");
        QTest::newRow("6.5in@300") << 6.5 << 300;
        QTest::newRow("3.25in@600") << 3.25 << 600;
        QTest::newRow("8in@96") << 8.0 << 96;
    }

    void png() {
        QFETCH(double, inches);
        QFETCH(int, dpi);
        cl::FigureOptions o;
        o.widthInches = inches;
        o.dpi = dpi;
        o.limit = 1.0;
        const cl::FigureRenderer r(twoPanels(), o);
        const QString path = m_dir.filePath(QString("fig_%1.png").arg(dpi));
        QString error;
        QVERIFY2(r.save(path, &error), qPrintable(error));
        QImage img;
        QVERIFY(img.load(path, "PNG"));
        QCOMPARE(img.width(), qRound(inches * dpi));
        QCOMPARE(img.height(), r.pngSize().height());
        QVERIFY(img.height() > img.width() / 6); // two panels, several lines, color bar
        QVERIFY(qAbs(img.dotsPerMeterX() * 0.0254 - dpi) < 1.0);
        // Reward colors really are on the tokens: r = 0.9's color is found above the color bar
        // (whose gradient holds every color of the map).
        const QColor strong = cl::RewardColormap::color(0.9, 1.0);
        const int tokensEnd = static_cast<int>(r.colorBarTopPoints() * dpi / 72.0);
        QVERIFY(tokensEnd > 0 && tokensEnd < img.height());
        bool found = false;
        for (int y = 0; y < tokensEnd && !found; y += 2) {
            for (int x = 0; x < img.width() && !found; x += 2) {
                found = QColor(img.pixel(x, y)) == strong;
            }
        }
        QVERIFY2(found, "no pixel with the color of r = 0.9");
    }

    void svg() {
        cl::FigureOptions o;
        o.widthInches = 5.0;
        const cl::FigureRenderer r(twoPanels(), o);
        const QString path = m_dir.filePath("fig.svg");
        QVERIFY(r.save(path));
        QSvgRenderer svg(path);
        QVERIFY(svg.isValid());
        QCOMPARE(svg.viewBoxF().width(), 480.0); // 5 in at 96 dpi
        QCOMPARE(svg.viewBoxF().height(), qRound(r.heightPoints() / 72.0 * 96) * 1.0);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QVERIFY2(data.contains("width=\"127mm\""), data.left(400).constData()); // 5 in
        QVERIFY(data.contains("quick"));
    }

    void pdf() {
        cl::FigureOptions o;
        o.widthInches = 6.5;
        const cl::FigureRenderer r(twoPanels(), o);
        const QString path = m_dir.filePath("fig.pdf");
        QVERIFY(r.save(path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QVERIFY(data.startsWith("%PDF-"));
        QVERIFY(data.trimmed().endsWith("%%EOF"));
        const QRegularExpression box(R"(/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\])");
        const auto m = box.match(QString::fromLatin1(data));
        QVERIFY2(m.hasMatch(), "no MediaBox");
        QVERIFY(qAbs(m.captured(1).toDouble() - 468.0) < 1.0); // 6.5 in = 468 pt
        QVERIFY(qAbs(m.captured(2).toDouble() - r.heightPoints()) < 1.0);
    }

    void unknownFormat() {
        const cl::FigureRenderer r(twoPanels(), {});
        QString error;
        QVERIFY(!r.save(m_dir.filePath("fig.bmpx"), &error));
        QVERIFY(error.contains("bmpx"));
    }

    void moreTextIsTaller() {
        cl::FigureOptions o;
        const cl::FigureRenderer one({twoPanels()[1]}, o);
        const cl::FigureRenderer two(twoPanels(), o);
        QVERIFY(two.heightPoints() > one.heightPoints() + 20);
    }
};

QTEST_MAIN(TestFigureRenderer)
#include "tst_figure_renderer.moc"
