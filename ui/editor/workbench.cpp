#include "ui/editor/workbench.h"

#include "ui/common/color_bar.h"
#include "ui/common/reward_colormap.h"
#include "ui/common/reward_editor.h"
#include "ui/editor/prompt_pane.h"
#include "ui/editor/response_pane.h"
#include "ui/engine/engine_client.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace cl {

Workbench::Workbench(EngineClient* engine, QWidget* parent) : QWidget(parent), m_engine(engine) {
    setObjectName("workbench");
    auto* layout = new QVBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName("workbenchSplitter");
    m_prompt = new PromptPane(split);
    auto* responses = new QSplitter(Qt::Vertical, split);
    m_panes[0] = new ResponsePane(tr("&Response (chosen)"), responses);
    m_panes[1] = new ResponsePane(tr("R&ejected response"), responses);
    m_panes[0]->editor()->setObjectName("responseEditor");
    m_panes[1]->editor()->setObjectName("rejectedEditor");
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);
    auto* legend = new QHBoxLayout;
    m_colorBar = new ColorBar(this);
    m_colorBar->setNote(tr("auto"));
    legend->addWidget(m_colorBar, 1);
    m_limitSpin = new QDoubleSpinBox(this);
    m_limitSpin->setObjectName("colorLimitSpin");
    m_limitSpin->setDecimals(3);
    m_limitSpin->setRange(0.001, 1000.0);
    m_limitSpin->setPrefix(QStringLiteral("± "));
    m_limitSpin->setValue(m_limit);
    m_limitSpin->setToolTip(tr("Color range; typing a value pins it (View → Pin color range)"));
    auto* limitLabel = new QLabel(tr("Ra&nge:"), this);
    limitLabel->setBuddy(m_limitSpin);
    legend->addWidget(limitLabel);
    legend->addWidget(m_limitSpin);
    auto* reset = new QToolButton(this);
    reset->setObjectName("resetColorRangeButton");
    reset->setText(tr("Re&fit"));
    reset->setToolTip(tr("Fit the color range to the responses shown now. The automatic range "
                         "then holds, so a color means the same reward from one edit to the "
                         "next."));
    legend->addWidget(reset);
    layout->addLayout(legend);
    connect(reset, &QToolButton::clicked, this, &Workbench::resetColorRange);
    connect(m_limitSpin, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        if (value != m_limit) {
            setColorPinned(true, value);
            emit colorPinnedByUser();
        }
    });
    m_panes[1]->hide();

    for (int slot = 0; slot < kSlots; ++slot) {
        m_debounce[slot].setSingleShot(true);
        m_debounce[slot].setInterval(kDebounceMs);
        connect(&m_debounce[slot], &QTimer::timeout, this, [this, slot] { submit(slot); });
        connect(m_panes[slot]->editor(), &QPlainTextEdit::textChanged, this, [this, slot] {
            schedule(slot);
            emit contentChanged();
        });
        connect(m_panes[slot], &ResponsePane::tokenActivated, this,
                [this, slot](int index) { emit tokenActivated(slot, index); });
    }
    connect(m_prompt, &PromptPane::inputChanged, this, [this] {
        for (int slot = 0; slot < kSlots; ++slot) {
            schedule(slot);
        }
        emit contentChanged();
    });
    connect(m_prompt, &PromptPane::betaChanged, this, &Workbench::onBetaChanged);
    connect(m_engine, &EngineClient::scored, this, &Workbench::onScored);
    connect(m_engine, &EngineClient::scoreFailed, this, &Workbench::onScoreFailed);
}

void Workbench::setCompareMode(bool on) {
    if (on && !m_compare) {
        m_autoHeld = false; // the range is fitted again once both responses are scored
    }
    m_compare = on;
    m_panes[1]->setVisible(on);
    if (on) {
        schedule(1);
    }
    updateColorLimit();
    emit contentChanged();
}

void Workbench::setColorPinned(bool pinned, double limit) {
    m_pinned = pinned;
    if (pinned && limit > 0.0) {
        m_limit = limit;
    }
    updateColorLimit();
}

void Workbench::resetColorRange() {
    m_pinned = false;
    m_autoHeld = false;
    updateColorLimit();
    emit colorRangeReset();
}

ScoreRequest Workbench::requestFor(int slot) const {
    ScoreRequest r;
    r.prompt = m_prompt->prompt().toStdString();
    r.response = m_panes[slot]->editor()->text().toStdString();
    r.templateName = m_prompt->templateName().toStdString();
    r.scoreEos = m_prompt->scoreEos();
    r.conversation = m_prompt->conversation(); // the chat template's turns (issue #15)
    return r;
}

void Workbench::schedule(int slot) {
    if (slot == 1 && !m_compare) {
        return;
    }
    if (!m_editClock[slot].isValid()) {
        m_editClock[slot].start();
    }
    m_debounce[slot].start(); // restarts: scoring waits for a pause in typing
}

void Workbench::submit(int slot) {
    if (!m_engine->isLoaded() && !m_engine->isLoading()) {
        return; // nothing to score with yet; loading will call resetScores()
    }
    m_latest[slot] = m_engine->score(slot, requestFor(slot));
    emit statusChanged(); // says so when the request waits behind a beam search
}

void Workbench::rescoreNow() {
    for (int slot = 0; slot < kSlots; ++slot) {
        if (slot == 0 || m_compare) {
            m_debounce[slot].stop();
            m_editClock[slot].start();
            submit(slot);
        }
    }
}

void Workbench::resetScores() {
    for (int slot = 0; slot < kSlots; ++slot) {
        m_scores[slot].reset();
        m_applied[slot] = 0;
        m_panes[slot]->clearScore();
    }
    m_autoHeld = false; // another pair of models: another scale
    rescoreNow();
    emit statusChanged();
}

bool Workbench::isCurrent(int slot) const {
    return m_scores[slot] && m_scoredText[slot] == m_panes[slot]->editor()->text() &&
           m_scoredPrompt[slot] == m_prompt->prompt();
}

void Workbench::onScored(int slot, quint64 generation, const ScoreRequest& request,
                         const ResponseScore& score) {
    if (slot < 0 || slot >= kSlots || generation <= m_applied[slot]) {
        return; // an older request finished after a newer one was shown
    }
    m_applied[slot] = generation;
    ResponseScore s = score;
    if (s.beta != m_prompt->beta()) {
        rescale(s, m_prompt->beta()); // beta moved while this request ran
    }
    m_scores[slot] = s;
    m_scoredText[slot] = QString::fromStdString(request.response);
    m_scoredPrompt[slot] = QString::fromStdString(request.prompt);
    m_lastModelMs = s.elapsedMs;
    if (generation == m_latest[slot] && m_editClock[slot].isValid()) {
        m_lastRescoreMs = static_cast<double>(m_editClock[slot].nsecsElapsed()) / 1e6;
        m_editClock[slot].invalidate();
    }
    m_panes[slot]->setScore(s, m_scoredText[slot]);
    updateColorLimit();
    emit statusChanged();
    if (m_compare && isCurrent(0) && isCurrent(1)) {
        emit pairScored(m_scores[0]->rewardSum, m_scores[1]->rewardSum);
    }
}

void Workbench::onScoreFailed(int slot, quint64 generation, const QString& message) {
    if (slot >= 0 && slot < kSlots && generation >= m_latest[slot]) {
        m_panes[slot]->setError(message);
        m_editClock[slot].invalidate();
    }
}

void Workbench::onBetaChanged(double beta) {
    m_engine->setBeta(beta);
    m_autoHeld = false; // every reward scales with beta: refit once
    for (int slot = 0; slot < kSlots; ++slot) {
        if (m_scores[slot]) {
            rescale(*m_scores[slot], beta);
            m_panes[slot]->setScore(*m_scores[slot], m_scoredText[slot]);
        }
    }
    updateColorLimit();
    emit statusChanged();
    emit contentChanged();
}

void Workbench::updateColorLimit() {
    if (!m_pinned && !m_autoHeld) {
        std::vector<const ResponseScore*> shown;
        bool allShownScored = true;
        int textTokens = 0;
        for (int slot = 0; slot < kSlots; ++slot) {
            if (slot == 0 || m_compare) {
                allShownScored = allShownScored && m_scores[slot].has_value();
                if (m_scores[slot]) {
                    shown.push_back(&*m_scores[slot]);
                    for (const TokenScore& t : m_scores[slot]->tokens) {
                        textTokens += t.isEos ? 0 : 1;
                    }
                }
            }
        }
        m_limit = RewardColormap::autoLimit(shown, m_limit);
        // Issue #17: fitted once every shown response is scored and there is enough text to
        // say what a typical reward is, then held (a first word alone would fix it too early).
        m_autoHeld = allShownScored && textTokens >= kTokensToHoldRange;
    }
    m_colorBar->setNote(m_pinned ? tr("pinned") : m_autoHeld ? tr("auto, held") : tr("auto"));
    m_colorBar->setLimit(m_limit);
    {
        const QSignalBlocker block(m_limitSpin); // showing the range is not the user pinning it
        m_limitSpin->setValue(m_limit);
    }
    for (ResponsePane* pane : m_panes) {
        pane->setColorLimit(m_limit);
    }
    emit colorLimitChanged(m_limit);
}

std::vector<FigurePanel> Workbench::figurePanels() const {
    std::vector<FigurePanel> panels;
    for (int slot = 0; slot < kSlots; ++slot) {
        if ((slot == 0 || m_compare) && m_scores[slot]) {
            QString title = m_panes[slot]->title();
            title.remove('&');
            panels.push_back({title, m_scoredText[slot], *m_scores[slot]});
        }
    }
    return panels;
}

QString Workbench::statusText() const {
    if (!m_scores[0]) {
        return {};
    }
    const ResponseScore& s = *m_scores[0];
    // Reuse as "cached/total" positions (prompt included) of each slot's last rescore: each
    // response has its own cache, so switching sides reuses it (issue #17).
    const auto reuse = [](const ResponseScore& r) {
        return QStringLiteral("%1/%2")
            .arg(r.reusedTokens)
            .arg(r.promptTokens + static_cast<qint64>(r.tokens.size()));
    };
    QString text = tr("Σr %1   mean r %2   %3 tokens   rescored in %4 ms (model %5 ms, %6 reused)")
                       .arg(s.rewardSum, 0, 'f', 3)
                       .arg(s.rewardMean, 0, 'f', 4)
                       .arg(s.tokens.size())
                       .arg(m_lastRescoreMs, 0, 'f', 0)
                       .arg(m_lastModelMs, 0, 'f', 0)
                       .arg(reuse(s));
    if (m_compare && m_scores[1]) {
        text += tr("   |   rejected Σr %1 (%2 reused)   σ(Σr₁ − Σr₂) = %3")
                    .arg(m_scores[1]->rewardSum, 0, 'f', 3)
                    .arg(reuse(*m_scores[1]))
                    .arg(bradleyTerry(s.rewardSum, m_scores[1]->rewardSum), 0, 'f', 3);
    }
    if (m_engine->jobRunning() && !isCurrent(0)) {
        // One engine thread serves both; a second copy of the models would double memory.
        text += tr("   |   rescoring waits for the beam search (Cancel in its panel to go on)");
    }
    return text;
}

} // namespace cl
