#include "ui/window/beam_dock.h"

#include "ui/app_actions.h"
#include "ui/beam/beam_view.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QTextCursor>

namespace cl {

BeamDock::BeamDock(QMainWindow* window, AppActions* actions, EngineClient* engine,
                   Workbench* workbench, QDockWidget* tabWith)
    : QDockWidget(tr("Beam search"), window) {
    m_view = new BeamView(window);
    setObjectName("beamDock");
    setWidget(m_view);
    window->addDockWidget(Qt::BottomDockWidgetArea, this);
    if (tabWith) {
        window->tabifyDockWidget(tabWith, this); // bottom docks share one area as tabs
    }
    hide();
    QAction* toggle = toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    actions->viewMenu()->addAction(toggle);
    m_view->setRunner([engine](EngineJob job) { engine->runJob(std::move(job)); });
    auto syncPrompt = [this, workbench] {
        m_view->setPrompt(workbench->promptPane()->prompt(),
                          workbench->promptPane()->templateName());
    };
    connect(workbench->promptPane(), &PromptPane::inputChanged, this, syncPrompt);
    syncPrompt();
    connect(m_view, &BeamView::copyToResponse, this, [workbench](const QString& text) {
        // One undo step in the response editor, like any other edit.
        QTextCursor cursor(workbench->responsePane(0)->editor()->document());
        cursor.beginEditBlock();
        cursor.select(QTextCursor::Document);
        cursor.insertText(text);
        cursor.endEditBlock();
    });
}

} // namespace cl
