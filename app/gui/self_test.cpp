#include "app/gui/self_test.h"

#include "core/engine/runtime.h"
#include "ui/app_actions.h"
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QTextStream>

namespace cl {

namespace {

bool check(QTextStream& out, bool ok, const QString& what, const QString& detail = {}) {
    out << (ok ? "ok    " : "FAIL  ") << what;
    if (!detail.isEmpty()) {
        out << ": " << detail;
    }
    out << Qt::endl;
    return ok;
}

} // namespace

int runSelfTest() {
    QTextStream out(stdout);
    bool allOk = true;

    MainWindow window;
    window.show();
    QApplication::processEvents(); // one pass so the window is really shown (self-test only)
    allOk &= check(out, window.isVisible(), "main window shown",
                   QApplication::platformName());

    for (const char* name : {"menuFile", "menuEdit", "menuView", "menuTools", "menuHelp"}) {
        const auto* menu = window.menuBar()->findChild<QMenu*>(name);
        allOk &= check(out, menu && !menu->actions().isEmpty(), QString("menu %1").arg(name));
    }
    const AppActions* a = window.actions();
    for (const QAction* action : {a->openPolicy, a->openReference, a->openSession,
                                  a->saveSession, a->exportFigure, a->quit}) {
        allOk &= check(out, action && !action->shortcut().isEmpty(),
                       QString("action %1").arg(action ? action->objectName() : "?"),
                       action ? action->shortcut().toString() : QString());
    }

    const bool torchOk = runtime::torchSelfCheck();
    allOk &= check(out, torchOk, "core engine (LibTorch)",
                   QString::fromStdString("LibTorch " + runtime::torchVersion() + ", BLAS " +
                                          runtime::blasLibrary()));
    if (runtime::blasIsReference()) {
        out << "note  LibTorch runs on the reference BLAS; install libopenblas0-pthread" << Qt::endl;
    }

    out << (allOk ? "self-test passed" : "self-test FAILED") << Qt::endl;
    window.close();
    return allOk ? 0 : 1;
}

} // namespace cl
