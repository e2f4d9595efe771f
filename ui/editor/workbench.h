#pragma once
// The central editing area: prompt pane, one or two response panes on a shared color scale, and
// the color bar. It turns edits into debounced score requests to the EngineClient and applies
// results (latest generation per slot wins; older results that arrive late are dropped).

#include "core/engine/scoring_types.h"
#include "ui/common/figure_renderer.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <array>
#include <optional>

class QDoubleSpinBox;

namespace cl {

class ColorBar;
class EngineClient;
class PromptPane;
class ResponsePane;
struct ScoreRequest;

class Workbench : public QWidget {
    Q_OBJECT
public:
    static constexpr int kSlots = 2; ///< 0 = response (chosen), 1 = second response (rejected)
    static constexpr int kDebounceMs = 75;
    /// The auto color range holds once the shown responses have this many text tokens.
    static constexpr int kTokensToHoldRange = 8;

    Workbench(EngineClient* engine, QWidget* parent = nullptr);

    PromptPane* promptPane() const { return m_prompt; }
    ResponsePane* responsePane(int slot) const { return m_panes[slot]; }
    ColorBar* colorBar() const { return m_colorBar; }

    void setCompareMode(bool on);
    bool compareMode() const { return m_compare; }

    /// Pinned: the range stays at `limit`. Auto (issue #17): the range follows max |r_t| over
    /// the shown responses until all are scored with kTokensToHoldRange text tokens in all, then
    /// it is held for the session (edits
    /// and other pairs saturate rather than move it) until resetColorRange(), a change of beta
    /// or another model pair.
    void setColorPinned(bool pinned, double limit);
    /// Unpins and fits the auto range to the responses shown now (the "Reset" button).
    void resetColorRange();
    /// True while the auto range is held (fitted once, not following edits).
    bool colorRangeHeld() const { return m_autoHeld; }
    bool colorPinned() const { return m_pinned; }
    double colorLimit() const { return m_limit; }

    /// The request that slot's current text makes.
    ScoreRequest requestFor(int slot) const;
    /// Scores every visible slot now (no debounce).
    void rescoreNow();
    /// Forgets the scores (e.g. a new pair was loaded) and rescores.
    void resetScores();

    /// The latest score of `slot` and the text it was computed for (if any).
    const std::optional<ResponseScore>& score(int slot) const { return m_scores[slot]; }
    bool isCurrent(int slot) const;
    /// Scored panels for export (only slots whose score matches their text).
    std::vector<FigurePanel> figurePanels() const;

    /// Status-bar text: Σr, mean r, token count, last rescore time.
    QString statusText() const;
    /// Longest time from an edit to its colors, for tests and the status bar (ms).
    double lastRescoreMs() const { return m_lastRescoreMs; }

signals:
    void statusChanged();
    /// Both responses are scored for their current texts (compare mode).
    void pairScored(double rewardSumChosen, double rewardSumRejected);
    void tokenActivated(int slot, int index);
    /// Prompt, responses or settings changed (for the unsaved-changes flag and autosave).
    void contentChanged();
    void colorLimitChanged(double limit);
    /// The user pinned the range by typing a value into the range box.
    void colorPinnedByUser();
    /// The user reset the range (it is auto again, fitted to what is shown).
    void colorRangeReset();

private:
    void schedule(int slot);
    void submit(int slot);
    void onScored(int slot, quint64 generation, const ScoreRequest& request,
                  const ResponseScore& score);
    void onScoreFailed(int slot, quint64 generation, const QString& message);
    void onBetaChanged(double beta);
    void updateColorLimit();

    EngineClient* m_engine = nullptr;
    PromptPane* m_prompt = nullptr;
    std::array<ResponsePane*, kSlots> m_panes{};
    std::array<QTimer, kSlots> m_debounce;
    std::array<quint64, kSlots> m_latest{};   // generation of the latest request per slot
    std::array<quint64, kSlots> m_applied{};  // generation of the shown score per slot
    std::array<QElapsedTimer, kSlots> m_editClock; // since the first edit not yet shown
    std::array<std::optional<ResponseScore>, kSlots> m_scores;
    std::array<QString, kSlots> m_scoredText;
    std::array<QString, kSlots> m_scoredPrompt;
    ColorBar* m_colorBar = nullptr;
    QDoubleSpinBox* m_limitSpin = nullptr;
    bool m_compare = false;
    bool m_pinned = false;
    bool m_autoHeld = false; // the auto range was fitted and holds until a reset
    double m_limit = 1.0;
    double m_lastRescoreMs = 0.0;
    double m_lastModelMs = 0.0;
};

} // namespace cl
