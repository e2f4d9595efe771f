#include "ui/beam/beam_view.h"

#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_panel.h"
#include "ui/beam/beam_tree_panel.h"
#include "ui/beam/sweep_inputs.h"
#include "ui/beam/sweep_view.h"

#include <QLineEdit>
#include <QSettings>

namespace cl {

BeamView::BeamView(QWidget* parent) : QTabWidget(parent) {
    setObjectName("beamView");
    setDocumentMode(true);
    m_panel = new BeamPanel(this);
    m_sweep = new SweepView(this);
    m_sweep->setOptionsSource([form = m_panel->optionsForm()] { return form->options(); });
    m_tree = new BeamTreePanel(this);
    addTab(m_panel, tr("N-best"));
    addTab(m_tree, tr("Beam tree"));
    addTab(m_sweep, tr("Width sweep"));
    setTabToolTip(1, tr("Every step of the last search: kept beams, finished hypotheses and "
                        "pruned candidates, colored by r_t"));
    setTabToolTip(2, tr("Length and Σr of the best beam against beam width; the other options "
                        "come from the N-best tab"));
    connect(m_panel, &BeamPanel::copyToResponse, this, &BeamView::copyToResponse);
    connect(m_panel, &BeamPanel::traceReady, this,
            [this] { m_tree->setTrace(m_panel->trace(), m_panel->colorLimit()); });
    restoreSettings();
}

BeamView::~BeamView() {
    cancel();
    saveSettings();
}

void BeamView::setRunner(EngineRunner runner) {
    m_panel->setRunner(runner);
    m_sweep->setRunner(std::move(runner));
}

void BeamView::setPrompt(const QString& prompt, const QString& templateName) {
    m_panel->setPrompt(prompt, templateName);
    m_sweep->setPrompt(prompt, templateName);
}

void BeamView::cancel() {
    m_panel->cancel();
    m_sweep->cancel();
}

bool BeamView::isRunning() const {
    return m_panel->isRunning() || m_sweep->isRunning();
}

void BeamView::restoreSettings() {
    QSettings s;
    s.beginGroup(QStringLiteral("beam"));
    BeamOptions o = m_panel->optionsForm()->options();
    o.width = s.value("width", o.width).toInt();
    o.maxNewTokens = s.value("maxNewTokens", o.maxNewTokens).toInt();
    o.minNewTokens = s.value("minNewTokens", o.minNewTokens).toInt();
    o.lengthPenalty = s.value("lengthPenalty", o.lengthPenalty).toDouble();
    o.earlyStopping = parseEarlyStopping(s.value("earlyStopping", "false").toString().toStdString())
                          .value_or(EarlyStopping::False);
    o.numReturn = s.value("numReturn", o.numReturn).toInt();
    o.noRepeatNgram = s.value("noRepeatNgram", o.noRepeatNgram).toInt();
    o.stopString = s.value("stopString", QString()).toString().toStdString();
    m_panel->optionsForm()->setOptions(o);
    const QString widths = s.value("sweepWidths").toString();
    if (parseSweepWidths(widths)) {
        m_sweep->widthsEdit()->setText(widths);
    }
}

void BeamView::saveSettings() const {
    QSettings s;
    s.beginGroup(QStringLiteral("beam"));
    const BeamOptions o = m_panel->optionsForm()->options();
    s.setValue("width", o.width);
    s.setValue("maxNewTokens", o.maxNewTokens);
    s.setValue("minNewTokens", o.minNewTokens);
    s.setValue("lengthPenalty", o.lengthPenalty);
    s.setValue("earlyStopping", o.earlyStopping == EarlyStopping::True    ? "true"
                                : o.earlyStopping == EarlyStopping::Never ? "never"
                                                                          : "false");
    s.setValue("numReturn", o.numReturn);
    s.setValue("noRepeatNgram", o.noRepeatNgram);
    s.setValue("stopString", QString::fromStdString(o.stopString));
    s.setValue("sweepWidths", m_sweep->widthsEdit()->text());
}

} // namespace cl
