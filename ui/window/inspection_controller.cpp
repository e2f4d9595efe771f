#include "ui/window/inspection_controller.h"

#include "ui/common/reward_editor.h"
#include "ui/editor/response_pane.h"
#include "ui/editor/running_total_strip.h"
#include "ui/editor/token_inspector.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

#include <QWidget>

namespace cl {

InspectionController::InspectionController(Workbench* workbench, TokenInspector* inspector,
                                           EngineClient* engine, QObject* parent)
    : QObject(parent), m_workbench(workbench), m_inspector(inspector), m_engine(engine) {
    connect(workbench, &Workbench::tokenActivated, this, &InspectionController::inspect);
    connect(workbench, &Workbench::contentChanged, this, [this] {
        if (m_inspector->slot() >= 0 && !m_workbench->isCurrent(m_inspector->slot())) {
            clear(); // the inspected token's text changed
        }
    });
    connect(inspector, &TokenInspector::substitute, this,
            [this](int slot, int index, const QString& text) {
                m_workbench->responsePane(slot)->editor()->substituteToken(index, text);
            });
    connect(engine, &EngineClient::alternativesReady, this,
            [this](quint64 tag, const Alternatives& alternatives) {
                if (tag == m_alternativesTag) {
                    m_inspector->setAlternatives(alternatives);
                }
            });
    connect(engine, &EngineClient::alternativesFailed, this,
            [this](quint64 tag, const QString& message) {
                if (tag == m_alternativesTag) {
                    m_inspector->setMessage(message);
                }
            });
}

void InspectionController::inspect(int slot, int index) {
    const auto& score = m_workbench->score(slot);
    if (!score || index < 0 || index >= static_cast<int>(score->tokens.size())) {
        return;
    }
    clear();
    m_inspector->showToken(slot, index, score->tokens[index]);
    m_workbench->responsePane(slot)->editor()->setInspectedToken(index);
    m_inspector->parentWidget()->show();
    m_inspector->parentWidget()->raise(); // it shares a tab with the model panel
    m_workbench->responsePane(slot)->strip()->setHighlight(index);
    ScoreRequest request = m_workbench->requestFor(slot);
    request.response = m_workbench->responsePane(slot)->editor()->scoredText().toStdString();
    m_alternativesTag = m_engine->requestAlternatives(request, index, 10, slot);
}

void InspectionController::clear() {
    for (int slot = 0; slot < Workbench::kSlots; ++slot) {
        m_workbench->responsePane(slot)->editor()->setInspectedToken(-1);
        m_workbench->responsePane(slot)->strip()->setHighlight(-1);
    }
    m_inspector->clear();
}

} // namespace cl
