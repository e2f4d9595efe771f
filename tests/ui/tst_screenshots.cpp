// Whole-window views of the reward editor on a real pair (issue #6): single response, token
// inspector with alternatives, compare mode with a preference file, dark theme. Each grab must
// show reward colors; with CREDITLENS_SCREENSHOT_DIR set the PNGs are kept for people to look at.

#include "fixture_models.h"

#include "ui/app_actions.h"
#include "ui/compare_panel.h"
#include "ui/engine_client.h"
#include "ui/main_window.h"
#include "ui/prompt_pane.h"
#include "ui/response_pane.h"
#include "ui/reward_colormap.h"
#include "ui/reward_editor.h"
#include "ui/token_inspector.h"
#include "ui/workbench.h"

#if __has_include("ui/beam/beam_view.h")
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_view.h"
#define CL_TEST_BEAM 1
#endif

#include <QAction>
#include <QDockWidget>
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

    /// Counts pixels far from gray: reward colors (text and UI chrome are gray-ish).
    static int coloredPixels(const QImage& image) {
        int n = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2) {
                const QColor c(image.pixel(x, y));
                n += std::max({c.red(), c.green(), c.blue()}) -
                         std::min({c.red(), c.green(), c.blue()}) > 40;
            }
        }
        return n;
    }

    void shoot(const QString& name, int minColored) {
        QTest::qWait(100);
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        const int colored = coloredPixels(image);
        qInfo("%s: %dx%d, %d colored sample pixels", qPrintable(name), image.width(),
              image.height(), colored);
        QVERIFY2(colored >= minColored, qPrintable(QString::number(colored)));
        const QByteArray dir = qgetenv("CREDITLENS_SCREENSHOT_DIR");
        if (!dir.isEmpty()) {
            QVERIFY(image.save(QString::fromLocal8Bit(dir) + "/" + name + ".png"));
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
    }

    void editor() {
        shoot("editor", 200);
    }

    void inspector() {
        cl::RewardEditor* editor = m_window->workbench()->responsePane(0)->editor();
        emit editor->tokenActivated(5);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->inspector()->byRewardTable()->rowCount() == 10, 30000);
        shoot("inspector", 200);
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
        shoot("compare", 300);
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
        shoot("beam", 300);
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
        shoot("demo", 300);
    }

    void dark() {
        m_window->actions()->themeDark->trigger();
        shoot("dark", 300);
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
