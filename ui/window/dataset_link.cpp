#include "ui/window/dataset_link.h"

#include "ui/dataset/dataset_view.h"
#include "ui/editor/compare_panel.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/workbench.h"
#include "ui/engine/engine_client.h"

namespace cl {

DatasetLink::DatasetLink(DatasetView* view, Workbench* workbench, ComparePanel* compare,
                         EngineClient* engine, ShowPair showPair, QObject* parent)
    : QObject(parent), m_view(view), m_workbench(workbench), m_showPair(std::move(showPair)) {
    syncSettings();
    m_view->setEngineReady(engine->isLoaded());
    connect(workbench->promptPane(), &PromptPane::inputChanged, this, &DatasetLink::syncSettings);
    connect(workbench->promptPane(), &PromptPane::betaChanged, this, &DatasetLink::syncSettings);
    connect(
        view, &DatasetView::pairActivated, this,
        [this](int entry, const QString& prompt, const QString& chosen, const QString& rejected) {
            m_entry = -1; // showPair's own edits are not the user's
            m_showPair(prompt, chosen, rejected);
            m_entry = entry;
        });
    connect(compare, &ComparePanel::pairSelected, this, [this] { m_entry = -1; });
    connect(workbench, &Workbench::pairScored, this, &DatasetLink::onPairScored);
}

void DatasetLink::pairLoaded() {
    syncSettings();
    m_view->setEngineReady(true); // scores a file that waited for models
    if (!m_view->filePath().isEmpty() && !m_view->isScoring()) {
        m_view->rescore(); // new models: the rows shown are another pair's
    }
}

void DatasetLink::syncSettings() {
    const PromptPane* p = m_workbench->promptPane();
    m_view->setScoreSettings(p->templateName(), p->scoreEos(), p->beta());
}

void DatasetLink::onPairScored() {
    if (m_entry < 0 || !m_workbench->isCurrent(0) || !m_workbench->isCurrent(1)) {
        return;
    }
    // The unedited pair keeps the batch numbers (equal to the CLI's); an edited one shows the
    // editor's, which then are the only ones for those texts.
    m_view->updateFromEditor(m_entry, m_workbench->promptPane()->prompt(),
                             QString::fromStdString(m_workbench->requestFor(0).response),
                             QString::fromStdString(m_workbench->requestFor(1).response),
                             *m_workbench->score(0), *m_workbench->score(1));
}

} // namespace cl
