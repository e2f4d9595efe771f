#include "ui/beam/sweep_view.h"

#include "ui/beam/beam_jobs.h"
#include "ui/beam/sweep_chart.h"
#include "ui/beam/sweep_inputs.h"
#include "ui/common/engine_task.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <memory>

namespace cl {

namespace {

QString widthCount(qsizetype n) {
    return n == 1 ? SweepView::tr("1 width") : SweepView::tr("%1 widths").arg(n);
}

QString promptCount(qsizetype n) {
    return n == 1 ? SweepView::tr("1 prompt") : SweepView::tr("%1 prompts").arg(n);
}

} // namespace

SweepView::SweepView(QWidget* parent) : QWidget(parent) {
    m_task = new EngineTask(this);
    m_widths = new QLineEdit(formatSweepWidths(defaultSweepWidths()), this);
    m_widths->setObjectName("sweepWidths");
    m_widths->setToolTip(tr("Beam widths, 1 to 32, separated by commas"));
    m_promptLabel = new QLabel(this);
    m_promptLabel->setObjectName("sweepPromptLabel");
    m_promptLabel->setWordWrap(true);
    m_loadPrompts = new QPushButton(tr("Load prompts…"), this);
    m_loadPrompts->setToolTip(tr("A text file with one prompt per line, or JSONL with "
                                 "{\"prompt\": ...} objects"));
    m_clearPrompts = new QPushButton(tr("Use current prompt"), this);
    m_run = new QPushButton(tr("Run &sweep"), this);
    m_run->setObjectName("sweepRunButton");
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName("sweepCancelButton");
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("sweepProgress");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("search %v of %m"));
    m_status = new QLabel(this);
    m_status->setObjectName("sweepStatus");
    m_status->setWordWrap(true);
    m_exportWidth = new QSpinBox(this);
    m_exportWidth->setRange(100, 8000);
    m_exportWidth->setValue(800);
    m_exportWidth->setSuffix(tr(" px"));
    m_exportHeight = new QSpinBox(this);
    m_exportHeight->setRange(100, 8000);
    m_exportHeight->setValue(500);
    m_exportHeight->setSuffix(tr(" px"));
    m_exportFigure = new QPushButton(tr("Export figure…"), this);
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);

    auto* controls = new QWidget(this);
    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Widths:"), m_widths);
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_exportWidth);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(m_exportHeight);
    auto* promptButtons = new QHBoxLayout;
    promptButtons->addWidget(m_loadPrompts);
    promptButtons->addWidget(m_clearPrompts);
    auto* runButtons = new QHBoxLayout;
    runButtons->addWidget(m_run, 1);
    runButtons->addWidget(m_cancel);
    auto* exportButtons = new QHBoxLayout;
    exportButtons->addWidget(m_exportFigure);
    exportButtons->addWidget(m_exportCsv);
    auto* left = new QVBoxLayout(controls);
    left->setContentsMargins(0, 0, 6, 0);
    left->addWidget(m_promptLabel);
    left->addLayout(promptButtons);
    left->addLayout(form);
    left->addLayout(runButtons);
    left->addWidget(m_progress);
    left->addWidget(m_status);
    left->addStretch(1);
    left->addWidget(new QLabel(tr("Export size:"), this));
    left->addLayout(sizeRow);
    left->addLayout(exportButtons);
    controls->setMaximumWidth(340);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("sweepPlot");
    m_plot->setMinimumSize(320, 200);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controls);
    layout->addWidget(m_plot, 1);
    SweepChart::build(*m_plot, m_rows);

    connect(m_run, &QPushButton::clicked, this, &SweepView::run);
    connect(m_cancel, &QPushButton::clicked, this, &SweepView::cancel);
    connect(m_loadPrompts, &QPushButton::clicked, this, &SweepView::choosePromptFile);
    connect(m_clearPrompts, &QPushButton::clicked, this, [this] { setPromptList({}); });
    connect(m_exportFigure, &QPushButton::clicked, this, &SweepView::chooseExportFigure);
    connect(m_exportCsv, &QPushButton::clicked, this, &SweepView::chooseExportCsv);
    connect(m_task, &EngineTask::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
        m_progress->setValue(static_cast<int>(done));
    });
    connect(m_task, &EngineTask::failed, this, [this](const QString& message) {
        setBusy(false);
        setStatus(tr("Sweep failed: %1").arg(message));
        emit sweepFailed(message);
    });
    connect(m_task, &EngineTask::cancelled, this, [this] {
        setBusy(false);
        setStatus(tr("Cancelled."));
        emit sweepCancelled();
    });
    setBusy(false);
    updatePromptLabel();
    setStatus(tr("For each width: the best beam of each prompt, averaged."));
}

SweepView::~SweepView() = default;

void SweepView::setRunner(EngineRunner runner) {
    m_task->setRunner(std::move(runner));
}

void SweepView::setPrompt(const QString& prompt, const QString& templateName) {
    m_prompt = prompt;
    m_template = templateName;
    updatePromptLabel();
}

void SweepView::setOptionsSource(std::function<BeamOptions()> source) {
    m_options = std::move(source);
}

void SweepView::setPromptList(const QStringList& prompts) {
    m_promptList = prompts;
    updatePromptLabel();
}

QStringList SweepView::prompts() const {
    return m_promptList.isEmpty() ? QStringList{m_prompt} : m_promptList;
}

bool SweepView::run() {
    QString error;
    const auto widths = parseSweepWidths(m_widths->text(), &error);
    if (!widths) {
        setStatus(error);
        return false;
    }
    const BeamOptions options = m_options ? m_options() : BeamOptions{};
    std::vector<std::string> prompts;
    for (const QString& p : this->prompts()) {
        prompts.push_back(p.toStdString());
    }
    const std::string templ = m_template.toStdString();
    const std::vector<int> w = *widths;
    auto work = [this, prompts, templ, w,
                 options](PairScorer* scorer, const ProgressFn& progress,
                          const std::atomic<bool>* cancel) -> Result<EngineTask::Deliver> {
        auto rows = runWidthSweep(scorer, prompts, templ, w, options, progress, cancel);
        if (!rows) {
            return Error{rows.error()};
        }
        auto shared = std::make_shared<std::vector<SweepRow>>(std::move(rows.value()));
        return EngineTask::Deliver([this, shared] {
            setBusy(false);
            setRows(std::move(*shared));
            setStatus(tr("%1 × %2 in %3 s.")
                          .arg(widthCount(static_cast<qsizetype>(m_rows.size())),
                               promptCount(m_rows.empty() ? 0 : m_rows.front().prompts))
                          .arg(m_clock.elapsed() / 1000.0, 0, 'f', 2));
            emit sweepFinished();
        });
    };
    if (!m_task->start(work)) {
        setStatus(tr("No engine is attached to the sweep view."));
        return false;
    }
    m_clock.start();
    m_progress->setRange(0, static_cast<int>(w.size() * prompts.size()));
    m_progress->setValue(0);
    setBusy(true);
    setStatus(tr("Sweeping %1 × %2…")
                  .arg(widthCount(static_cast<qsizetype>(w.size())),
                       promptCount(static_cast<qsizetype>(prompts.size()))));
    emit sweepStarted();
    return true;
}

void SweepView::cancel() {
    m_task->cancel();
}

bool SweepView::isRunning() const {
    return m_task->isRunning();
}

void SweepView::setRows(std::vector<SweepRow> rows) {
    m_rows = std::move(rows);
    SweepChart::build(*m_plot, m_rows);
    m_exportFigure->setEnabled(!m_rows.empty());
    m_exportCsv->setEnabled(!m_rows.empty());
}

bool SweepView::exportFigure(const QString& path, const QSize& size, QString* error) {
    return SweepChart::exportFigure(*m_plot, path, size, error);
}

bool SweepView::exportCsv(const QString& path, QString* error) const {
    return SweepChart::exportCsv(m_rows, path, error);
}

QSize SweepView::exportSize() const {
    return QSize(m_exportWidth->value(), m_exportHeight->value());
}

QString SweepView::statusText() const {
    return m_status->text();
}

void SweepView::setBusy(bool busy) {
    m_run->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_widths->setEnabled(!busy);
    m_loadPrompts->setEnabled(!busy);
    m_clearPrompts->setEnabled(!busy && !m_promptList.isEmpty());
    m_exportFigure->setEnabled(!busy && !m_rows.empty());
    m_exportCsv->setEnabled(!busy && !m_rows.empty());
}

void SweepView::setStatus(const QString& text) {
    m_status->setText(text);
}

void SweepView::updatePromptLabel() {
    if (!m_promptList.isEmpty()) {
        m_promptLabel->setText(
            tr("%1 from a file · template %2").arg(promptCount(m_promptList.size()), m_template));
    } else {
        QString shown = m_prompt.simplified();
        shown = fontMetrics().elidedText(shown, Qt::ElideRight, 220);
        m_promptLabel->setText(shown.isEmpty()
                                   ? tr("Prompt: (empty) · template %1").arg(m_template)
                                   : tr("Prompt: “%1” · template %2").arg(shown, m_template));
    }
    m_clearPrompts->setEnabled(!m_promptList.isEmpty() && !isRunning());
}

void SweepView::choosePromptFile() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load sweep prompts"), {}, tr("Prompts (*.txt *.jsonl *.json);;All files (*)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (auto prompts = readSweepPrompts(path, &error)) {
        setPromptList(*prompts);
    } else {
        setStatus(error);
    }
}

void SweepView::chooseExportFigure() {
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export sweep figure"), QStringLiteral("beam_sweep.png"),
        tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"), &filter);
    if (path.isEmpty()) {
        return;
    }
    if (QFileInfo(path).suffix().isEmpty()) {
        path += filter.contains("svg") ? ".svg" : filter.contains("pdf") ? ".pdf" : ".png";
    }
    QString error;
    if (!exportFigure(path, exportSize(), &error)) {
        QMessageBox::warning(this, tr("Export failed"), error);
    } else {
        setStatus(tr("Wrote %1.").arg(path));
    }
}

void SweepView::chooseExportCsv() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export sweep data"), QStringLiteral("beam_sweep.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (!exportCsv(path, &error)) {
        QMessageBox::warning(this, tr("Export failed"), error);
    } else {
        setStatus(tr("Wrote %1.").arg(path));
    }
}

} // namespace cl
