#include "ui/window/curves_dock.h"

#include "ui/app_actions.h"
#include "ui/curves/curves_view.h"

#include <QAction>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>

namespace cl {

CurvesDock::CurvesDock(QMainWindow* window, AppActions* actions)
    : QDockWidget(tr("Training curves"), window) {
    m_view = new CurvesView(window);
    setObjectName("curvesDock");
    setWidget(m_view);
    window->addDockWidget(Qt::BottomDockWidgetArea, this);
    hide();
    QAction* toggle = toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    actions->viewMenu()->addAction(toggle);
    QAction* open = actions->toolsMenu()->addAction(tr("Open &training logs…"));
    open->setObjectName("actionOpenTrainingLogs");
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    window->addAction(open);
    connect(open, &QAction::triggered, this, [this, window] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            window, tr("Open training logs"), {},
            tr("Training logs (trainer_state.json *.jsonl *.csv *.log *.txt events.out.tfevents*);;"
               "All files (*)"));
        if (!paths.isEmpty()) {
            openLogs(paths);
        }
    });
    connect(m_view, &CurvesView::message, this, &CurvesDock::message);
}

void CurvesDock::openLogs(const QStringList& paths) {
    show();
    raise();
    m_view->openPaths(paths);
}

} // namespace cl
