// Whole-window views of the reward editor on a real pair (issue #6): single response, token
// inspector with alternatives, compare mode with a preference file, dark theme. Each grab must
// show reward colors inside the response text itself (not the always-colored color bar), and the
// worst token must be painted with the colormap's negative end; with CREDITLENS_SCREENSHOT_DIR
// set the PNGs are kept for people to look at.

#include "fixture_models.h"

#include "ui/app_actions.h"
#include "ui/common/reward_colormap.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/compare_panel.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/token_inspector.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/main_window.h"

#if __has_include("ui/beam/beam_view.h")
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_view.h"
#define CL_TEST_BEAM 1
#endif

#include <QAction>
#include <QDockWidget>
#include <QHash>
#include <QTextCursor>
#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

class TestScreenshots : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_reference;
    std::unique_ptr<cl::MainWindow> m_window;

    /// Counts pixels far from gray inside `area`: reward colors (text and chrome are gray-ish).
    static int coloredPixels(const QImage& image, const QRect& area) {
        int n = 0;
        const QRect r = area.intersected(image.rect());
        for (int y = r.top(); y <= r.bottom(); y += 2) {
            for (int x = r.left(); x <= r.right(); x += 2) {
                const QColor c(image.pixel(x, y));
                n += std::max({c.red(), c.green(), c.blue()}) -
                         std::min({c.red(), c.green(), c.blue()}) > 40;
            }
        }
        return n;
    }

    /// The most frequent color in `area`: a token's background (glyphs cover less of it).
    static QColor dominantColor(const QImage& image, const QRect& area) {
        QHash<QRgb, int> counts;
        const QRect r = area.intersected(image.rect());
        for (int y = r.top(); y <= r.bottom(); ++y) {
            for (int x = r.left(); x <= r.right(); ++x) {
                ++counts[image.pixel(x, y)];
            }
        }
        QRgb best = 0;
        int bestCount = -1;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (it.value() > bestCount) {
                best = it.key();
                bestCount = it.value();
            }
        }
        return QColor(best);
    }

    /// The response editor's text area, in the window's coordinates.
    QRect editorArea(int slot = 0) const {
        const QWidget* viewport = m_window->workbench()->responsePane(slot)->editor()->viewport();
        return QRect(viewport->mapTo(m_window.get(), QPoint(0, 0)), viewport->size());
    }

    /// Grabs the window; response i must show at least minColored[i] reward-colored samples.
    void shoot(const QString& name, std::initializer_list<int> minColored) {
        QCoreApplication::sendPostedEvents(); // pending layout requests of docks just shown
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        const QByteArray dir = qgetenv("CREDITLENS_SCREENSHOT_DIR");
        if (!dir.isEmpty()) { // saved first, so a failing view can be looked at too
            QVERIFY(image.save(QString::fromLocal8Bit(dir) + "/" + name + ".png"));
        }
        int slot = 0;
        for (int least : minColored) {
            const int colored = coloredPixels(image, editorArea(slot));
            qInfo("%s: %dx%d, response %d: %d colored sample pixels in its text", qPrintable(name),
                  image.width(), image.height(), slot, colored);
            QVERIFY2(colored >= least, qPrintable(QString::number(colored)));
            ++slot;
        }
    }

private slots:
    void initTestCase() {
        CL_REQUIRE_FIXTURES();
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QDir(m_dir.path()).mkpath("ref");
        m_reference = cl::test::makeStoriesReference(m_dir.filePath("ref"));
        QVERIFY(!m_reference.isEmpty());
        m_window = std::make_unique<cl::MainWindow>();
        m_window->resize(1400, 860);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy loaded(m_window.get(), &cl::MainWindow::pairLoaded);
        m_window->openPair(cl::test::storiesPolicyDir(), m_reference, "Once upon a time",
                           " there was a little girl named Lily. She loved to play outside in "
                           "the sun. One day, she saw a big red ball in the park and ran to get "
                           "it. Her mom said: \"Be careful!\" Lily smiled and said yes.");
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workbench()->isCurrent(0), 30000);
        // These views were drawn with the TL;DR template; since issue #17 a model without a chat
        // template starts on "raw", so choose TL;DR explicitly and wait for its scores.
        QSignalSpy scored(m_window->engine(), &cl::EngineClient::scored);
        m_window->workbench()->promptPane()->setTemplateName("tldr");
        QTRY_VERIFY_WITH_TIMEOUT(!scored.isEmpty(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workbench()->isCurrent(0), 30000);
    }

    void editor() {
        cl::Workbench* bench = m_window->workbench();
        cl::RewardEditor* editor = bench->responsePane(0)->editor();
        // The worst text token on one line; the range pinned to its |r| puts it at the negative end.
        int worst = -1;
        for (size_t i = 0; i < editor->spans().size(); ++i) {
            const cl::CharSpan span = editor->spans()[i];
            QTextCursor a(editor->document()), b(editor->document());
            a.setPosition(span.start);
            b.setPosition(span.end);
            const bool oneLine = editor->cursorRect(a).top() == editor->cursorRect(b).top();
            if (span.end - span.start >= 2 && oneLine &&
                (worst < 0 || editor->score().tokens[i].reward < editor->score().tokens[worst].reward)) {
                worst = static_cast<int>(i);
            }
        }
        QVERIFY(worst >= 0);
        const double r = editor->score().tokens[worst].reward;
        QVERIFY2(r < 0, qPrintable(QString("the worst token has r = %1").arg(r)));
        bench->setColorPinned(true, -r);
        const QImage image = m_window->grab().toImage();
        const cl::CharSpan span = editor->spans()[worst];
        QTextCursor a(editor->document()), b(editor->document());
        a.setPosition(span.start);
        b.setPosition(span.end);
        const QRect caretA = editor->cursorRect(a), caretB = editor->cursorRect(b);
        const QRect token(editor->viewport()->mapTo(m_window.get(), caretA.topLeft()),
                          QSize(caretB.left() - caretA.left(), caretA.height()));
        const QColor expected = cl::RewardColormap::color(r, -r);
        const QColor got = dominantColor(image, token.adjusted(2, 1, -2, -1));
        qInfo("worst token %d (r = %.4f) at %d,%d %dx%d: painted %s, colormap's negative end %s",
              worst, r, token.x(), token.y(), token.width(), token.height(),
              qPrintable(got.name()), qPrintable(expected.name()));
        QCOMPARE(expected, cl::RewardColormap::color(-1e9, 1.0)); // that is the negative end
        QVERIFY(std::abs(got.red() - expected.red()) <= 2 &&
                std::abs(got.green() - expected.green()) <= 2 &&
                std::abs(got.blue() - expected.blue()) <= 2);
        bench->setColorPinned(false, -r);
        shoot("editor", {200});
    }

    void inspector() {
        cl::RewardEditor* editor = m_window->workbench()->responsePane(0)->editor();
        emit editor->tokenActivated(5);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->inspector()->byRewardTable()->rowCount() == 10, 30000);
        shoot("inspector", {200});
    }

    void compare() {
        const QString prefs = m_dir.filePath("prefs.jsonl");
        QFile f(prefs);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"prompt":"Once upon a time","chosen":" there was a kind dog named Max. He liked to help his friends.","rejected":" dog dog the the big big ball ball."}
{"prompt":"Tom had a toy.","chosen":" He shared it with his sister.","rejected":" He broke it and cried."}
)");
        f.close();
        QVERIFY(m_window->openPreferenceFile(prefs));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->comparePanel()->preferenceSet()->outcome(0).has_value(),
                                 30000);
        QVERIFY(m_window->workbench()->compareMode());
        shoot("compare", {200, 200});
    }

    void beamSearch() {
#ifdef CL_TEST_BEAM
        if (!m_window->beamView()) {
            QSKIP("this build has no Beam Search dock");
        }
        m_window->findChild<QDockWidget*>("beamDock")->show();
        m_window->findChild<QDockWidget*>("beamDock")->raise();
        cl::BeamPanel* panel = m_window->beamView()->panel();
        QSignalSpy finished(panel, &cl::BeamPanel::searchFinished);
        QSignalSpy failed(panel, &cl::BeamPanel::searchFailed);
        QVERIFY(panel->run());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        shoot("beam", {200});
        m_window->findChild<QDockWidget*>("beamDock")->hide();
#else
        QSKIP("this build has no Beam Search dock");
#endif
    }

    void demo() {
        // Help → Open demo (issue #9 data): the pair loads, pairs are stepped, logs plotted.
        if (cl::MainWindow::demoDir().isEmpty()) {
            QSKIP("no resources/demo in this tree");
        }
        m_window->setModified(false);
        QSignalSpy loaded(m_window.get(), &cl::MainWindow::pairLoaded);
        m_window->actions()->openDemo->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 60000);
        QVERIFY(m_window->comparePanel()->hasPreferenceSet());
        QVERIFY(m_window->comparePanel()->preferenceSet()->size() > 100);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->comparePanel()->preferenceSet()->outcome(0).has_value(),
                                 60000);
        shoot("demo", {4, 60}); // the chosen summary is almost white; the wrong fact is red
    }

    void dark() {
        m_window->actions()->themeDark->trigger();
        shoot("dark", {4, 60});
        m_window->actions()->themeSystem->trigger();
    }

    void cleanupTestCase() {
        if (m_window) {
            m_window->setModified(false);
            m_window.reset();
        }
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
