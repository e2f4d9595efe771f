// creditlens: the desktop GUI. Thin: parse the command line, build the main window, run.
// `creditlens plot ...` renders training-curve figures offscreen (the Training Curves view).

#include "app/gui/gui_command_line.h"
#include "app/gui/self_test.h"
#include "core/engine/runtime.h"
#include "ui/autosave_offer.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"
#include "ui/main_window.h"

#include "ui/curves/plot_command.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>

#include <cstdio>

#include <cstring>

namespace {

/// Modes that need no screen: they run offscreen when there is no display at all.
bool isHeadlessMode(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "plot") == 0) {
        return true;
    }
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"--version", "-v", "--help", "-h", "--self-test", "--screenshot"}) {
            if (std::strcmp(argv[i], flag) == 0) {
                return true;
            }
        }
    }
    return false;
}

int runPlot(QApplication& app) {
    return cl::runPlotCommand(app.arguments().mid(2));
}

/// Hidden --type: key events into the first response, one every `intervalMs`, each followed by
/// "typed N" on stdout (the crash-recovery test kills the process in the middle).
void typeSlowly(cl::MainWindow& window, const QString& text, int intervalMs) {
    auto* timer = new QTimer(&window);
    auto typeOne = [&window, text, timer, typed = 0]() mutable {
        if (typed >= text.size()) {
            timer->stop();
            return;
        }
        cl::RewardEditor* editor = window.workbench()->responsePane(0)->editor();
        const QString key = text.mid(typed, 1);
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, key);
        QCoreApplication::sendEvent(editor, &press);
        QKeyEvent release(QEvent::KeyRelease, 0, Qt::NoModifier, key);
        QCoreApplication::sendEvent(editor, &release);
        std::printf("typed %d\n", ++typed);
        std::fflush(stdout);
    };
    QObject::connect(timer, &QTimer::timeout, &window, typeOne);
    timer->start(intervalMs);
}

/// Hidden --restore-autosave-and-print: what the offer gives back, as JSON on stdout.
int restoreAndPrint(cl::MainWindow& window) {
    QMessageBox* offer = cl::AutosaveOffer::show(&window);
    if (offer) {
        offer->findChild<QAbstractButton*>("restoreButton")->click();
    }
    const QJsonObject out{
        {"offered", offer != nullptr},
        {"response", window.workbench()->responsePane(0)->editor()->toPlainText()}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    window.setModified(false);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    cl::runtime::prepareProcess(argv); // GOMP_SPINCOUNT=0 (see runtime.h)
    if (isHeadlessMode(argc, argv) && cl::needsOffscreenPlatform()) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication::setOrganizationName("CreditLens");
    QApplication::setApplicationName("creditlens");
    QApplication::setApplicationDisplayName("CreditLens");
    QApplication::setApplicationVersion(CREDITLENS_VERSION);
    QApplication::setDesktopFileName("io.github.creditlens.CreditLens");
    QApplication app(argc, argv);

    if (argc > 1 && std::strcmp(argv[1], "plot") == 0) {
        return runPlot(app);
    }
    const cl::GuiOptions options = cl::parseGuiCommandLine(app.arguments());
    if (options.selfTest) {
        return cl::runSelfTest();
    }

    cl::MainWindow window;
    window.show();
    if (options.restoreAndPrint) {
        return restoreAndPrint(window);
    }
    if (options.sessionFile.isEmpty() && options.screenshotFile.isEmpty()) {
        cl::AutosaveOffer::show(&window); // the last run did not exit cleanly
    }
    if (!options.typeText.isEmpty()) {
        typeSlowly(window, options.typeText, options.typeIntervalMs);
    }
    if (!options.sessionFile.isEmpty()) {
        window.openSessionFile(options.sessionFile);
    }
    if (!options.policyDir.isEmpty()) {
        QString prompt;
        if (!options.promptFile.isEmpty()) {
            QFile file(options.promptFile);
            if (file.open(QIODevice::ReadOnly)) {
                prompt = QString::fromUtf8(file.readAll());
            }
        }
        if (!options.tokenizerDir.isEmpty()) {
            window.engine()->setServerAccess({}, options.tokenizerDir);
        }
        window.openPair(options.policyDir, options.referenceDir, prompt, options.response);
    } else if (options.sessionFile.isEmpty() && options.screenshotFile.isEmpty() && argc == 1) {
        // The very first start with no arguments opens the embedded demo (issue #9).
        QSettings settings;
        if (!settings.value("demo/shownOnFirstStart", false).toBool()) {
            settings.setValue("demo/shownOnFirstStart", true);
            QTimer::singleShot(0, &window, [&window] { window.openDemo(); });
        }
    }
    if (!options.datasetFile.isEmpty()) {
        window.openDataset(options.datasetFile); // scored once the pair above has loaded
    }
    if (!options.screenshotFile.isEmpty()) {
        QTimer::singleShot(options.screenshotDelayMs, &window, [&window, &options] {
            const bool saved = window.grab().save(options.screenshotFile, "PNG");
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
