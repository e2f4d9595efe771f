#include "ui/beam/beam_panel.h"

#include "ui/beam/beam_jobs.h"
#include "ui/beam/beam_options_form.h"
#include "ui/beam/beam_text.h"
#include "ui/beam/nbest_model.h"
#include "ui/common/color_bar.h"
#include "ui/common/engine_task.h"
#include "ui/common/reward_colormap.h"
#include "ui/common/reward_editor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <memory>

namespace cl {

BeamPanel::BeamPanel(QWidget* parent) : QWidget(parent) {
    m_task = new EngineTask(this);
    m_form = new BeamOptionsForm(this);
    m_model = new NBestModel(this);

    m_promptLabel = new QLabel(this);
    m_promptLabel->setObjectName("beamPromptLabel");
    m_promptLabel->setWordWrap(true);
    m_run = new QPushButton(tr("&Run beam search"), this);
    m_run->setObjectName("beamRunButton");
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName("beamCancelButton");
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("beamProgress");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("step %v of %m"));
    m_status = new QLabel(this);
    m_status->setObjectName("beamStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QWidget(this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run, 1);
    buttons->addWidget(m_cancel);
    auto* left = new QVBoxLayout(controls);
    left->setContentsMargins(0, 0, 6, 0);
    left->addWidget(m_promptLabel);
    left->addWidget(m_form);
    left->addLayout(buttons);
    left->addWidget(m_progress);
    left->addWidget(m_status);
    left->addStretch(1);

    m_table = new QTableView(this);
    m_table->setObjectName("beamTable");
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(NBestModel::Text, QHeaderView::Stretch);

    m_view = new RewardEditor(this);
    m_view->setObjectName("beamText");
    m_view->setReadOnly(true);
    m_view->setPlaceholderText(tr("Select a beam to see its tokens colored by reward r_t."));
    m_colorBar = new ColorBar(this);
    m_beamSummary = new QLabel(this);
    m_beamSummary->setObjectName("beamSummary");
    m_copy = new QPushButton(tr("Copy to response &editor"), this);
    m_copy->setObjectName("beamCopyButton");
    m_copy->setEnabled(false);
    m_copy->setToolTip(tr("Put the selected beam's text into the response editor (a double-click "
                          "on a row does the same). The editor tokenizes the text again and may "
                          "score EOS, so its Σr can differ from the beam's."));
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    rightLayout->addWidget(m_view, 1);
    rightLayout->addWidget(m_colorBar);
    auto* copyRow = new QHBoxLayout;
    copyRow->addWidget(m_beamSummary, 1);
    copyRow->addWidget(m_copy);
    rightLayout->addLayout(copyRow);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName("beamSplitter");
    splitter->addWidget(controls);
    splitter->addWidget(m_table);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_run, &QPushButton::clicked, this, &BeamPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &BeamPanel::cancel);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (const ScoredBeam* b = m_model->beam(m_shown)) {
            emit copyToResponse(QString::fromStdString(b->text));
        }
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        showBeam(index.row());
        m_copy->click();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showBeam(current.row()); });
    connect(m_task, &EngineTask::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
        m_progress->setValue(static_cast<int>(done));
    });
    connect(m_task, &EngineTask::failed, this, [this](const QString& message) {
        setBusy(false);
        setStatus(tr("Beam search failed: %1").arg(message));
        emit searchFailed(message);
    });
    connect(m_task, &EngineTask::cancelled, this, [this] {
        setBusy(false);
        setStatus(tr("Cancelled."));
        emit searchCancelled();
    });
    setPrompt({}, m_template);
    setStatus(tr("Runs on the loaded policy; each beam is scored by the reference."));
}

BeamPanel::~BeamPanel() = default;

void BeamPanel::setRunner(EngineRunner runner) {
    m_task->setRunner(std::move(runner));
}

void BeamPanel::setPrompt(const QString& prompt, const QString& templateName) {
    m_prompt = prompt;
    m_template = templateName;
    QString shown = NBestModel::oneLine(prompt.simplified().isEmpty() ? QString() : prompt);
    shown = fontMetrics().elidedText(shown, Qt::ElideRight, 260);
    m_promptLabel->setText(prompt.isEmpty()
                               ? tr("Prompt: (empty) · template %1").arg(templateName)
                               : tr("Prompt: “%1” · template %2").arg(shown, templateName));
    m_promptLabel->setToolTip(prompt);
}

bool BeamPanel::run() {
    const BeamOptions options = m_form->options();
    const std::string prompt = m_prompt.toStdString();
    const std::string templ = m_template.toStdString();
    auto work = [this, prompt, templ,
                 options](PairScorer* scorer, const ProgressFn& progress,
                          const std::atomic<bool>* cancel) -> Result<EngineTask::Deliver> {
        // The tree is recorded with the search (issue #17 item 2); the search is unchanged.
        auto trace = std::make_shared<BeamTrace>();
        BeamOptions traced = options;
        traced.trace = trace.get();
        auto beams = runBeamSearch(scorer, prompt, templ, traced, progress, cancel);
        if (!beams) {
            return Error{beams.error()};
        }
        // Runs on the GUI thread, only while the task (a child of this panel) is alive.
        auto shared = std::make_shared<std::vector<ScoredBeam>>(std::move(beams.value()));
        return EngineTask::Deliver([this, shared, trace, options] {
            m_trace = trace;
            onFinished(std::move(*shared), options);
        });
    };
    if (!m_task->start(work)) {
        setStatus(tr("No engine is attached to the beam panel."));
        return false;
    }
    m_clock.start();
    m_progress->setRange(0, options.maxNewTokens);
    m_progress->setValue(0);
    setBusy(true);
    setStatus(options.width == 1 ? tr("Greedy decoding…")
                                 : tr("Searching with %1 beams…").arg(options.width));
    emit searchStarted();
    return true;
}

void BeamPanel::cancel() {
    m_task->cancel();
}

bool BeamPanel::isRunning() const {
    return m_task->isRunning();
}

QString BeamPanel::statusText() const {
    return m_status->text();
}

void BeamPanel::setBusy(bool busy) {
    m_run->setEnabled(!busy);
    m_cancel->setEnabled(busy);
}

void BeamPanel::setStatus(const QString& text) {
    m_status->setText(text);
}

void BeamPanel::onFinished(std::vector<ScoredBeam> beams, const BeamOptions& options) {
    setBusy(false);
    m_progress->setValue(m_progress->maximum()); // a search may end before max new tokens
    std::vector<const ResponseScore*> scores;
    for (const ScoredBeam& b : beams) {
        if (b.reward) {
            scores.push_back(&*b.reward);
        }
    }
    m_limit = RewardColormap::autoLimit(scores, 1.0);
    m_colorBar->setLimit(m_limit);
    const int count = static_cast<int>(beams.size());
    m_model->setBeams(std::move(beams));
    const QString seconds = QString::number(m_clock.elapsed() / 1000.0, 'f', 2);
    setStatus(
        count == 1
            ? tr("1 beam from width %1 in %2 s.").arg(options.width).arg(seconds)
            : tr("%1 beams from width %2 in %3 s.").arg(count).arg(options.width).arg(seconds));
    if (count > 0) {
        m_table->selectRow(0); // shows it through currentRowChanged
        showBeam(0);
    } else {
        showBeam(-1);
    }
    emit traceReady();
    emit searchFinished();
}

void BeamPanel::showBeam(int row) {
    const ScoredBeam* b = m_model->beam(row);
    m_shown = b ? row : -1;
    m_copy->setEnabled(b != nullptr);
    if (!b) {
        m_view->clearScore();
        m_view->clear();
        m_beamSummary->clear();
        return;
    }
    m_view->setColorLimit(m_limit);
    if (b->reward) {
        // The shown text may differ from the beam's (control characters, bad UTF-8 made
        // visible); the spans move with it. Copy still gives the beam's own text.
        const DisplayText shown = displayText(b->text, *b->reward);
        const QString text = QString::fromStdString(shown.text);
        m_view->setPlainText(text);
        m_view->setScore(shown.score, text);
        m_beamSummary->setText(tr("Beam %1 · %2 tokens · Σr = %3 · mean r = %4")
                                   .arg(row + 1)
                                   .arg(b->reward->tokens.size())
                                   .arg(b->reward->rewardSum, 0, 'f', 3)
                                   .arg(b->reward->rewardMean, 0, 'f', 4));
    } else {
        m_view->clearScore();
        m_view->setPlainText(QString::fromStdString(displayText(b->text, {}).text));
        m_beamSummary->setText(tr("Beam %1 · no reference, no rewards").arg(row + 1));
    }
}

} // namespace cl
