#include "ui/window/dataset_dock.h"

#include "ui/app_actions.h"
#include "ui/dataset/dataset_view.h"
#include "ui/engine/engine_client.h"

#include <QAction>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>

namespace cl {

DatasetDock::DatasetDock(QMainWindow* window, AppActions* actions, EngineClient* engine,
                         Workbench* workbench, ComparePanel* compare,
                         DatasetLink::ShowPair showPair, QDockWidget* tabWith)
    : QDockWidget(tr("Dataset"), window) {
    setObjectName("datasetDock");
    m_view = new DatasetView(this);
    setWidget(m_view);
    window->addDockWidget(Qt::BottomDockWidgetArea, this);
    if (tabWith) {
        window->tabifyDockWidget(tabWith, this);
    }
    hide();
    m_view->setRunner([engine](EngineJob job) { engine->runJob(std::move(job)); });
    m_link = new DatasetLink(m_view, workbench, compare, engine, std::move(showPair), this);

    QAction* toggle = toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    actions->viewMenu()->addAction(toggle);
    QAction* open = actions->toolsMenu()->addAction(tr("Open &dataset…"));
    open->setObjectName("actionOpenDataset");
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_D));
    window->addAction(open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open a preference file"), {},
                                         tr("Preference JSONL (*.jsonl *.json);;All files (*)"));
        if (!path.isEmpty()) {
            openFile(path);
        }
    });
}

bool DatasetDock::openFile(const QString& path) {
    show();
    raise();
    return m_view->openFile(path);
}

void DatasetDock::pairLoaded() {
    m_link->pairLoaded();
}

} // namespace cl
