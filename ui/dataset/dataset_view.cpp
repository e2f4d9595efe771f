#include "ui/dataset/dataset_view.h"

#include "ui/common/engine_task.h"
#include "ui/common/figure_export.h"
#include "ui/dataset/dataset_chart.h"
#include "ui/dataset/dataset_export.h"
#include "ui/dataset/dataset_filter.h"
#include "ui/dataset/dataset_job.h"
#include "ui/dataset/dataset_model.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace cl {

namespace {

constexpr int kDrainMs = 100; // chunk size in time: one table update per 100 ms at most

} // namespace

DatasetView::DatasetView(QWidget* parent) : QWidget(parent) {
    m_model = new DatasetModel(this);
    m_filter = new DatasetFilter(this);
    m_filter->setSourceModel(m_model);
    m_task = new EngineTask(this);
    buildUi();
    m_drain.setInterval(kDrainMs);
    connect(&m_drain, &QTimer::timeout, this, &DatasetView::deliverRows);
    connect(m_task, &EngineTask::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
        m_progress->setValue(static_cast<int>(done));
    });
    connect(m_task, &EngineTask::cancelled, this, [this] {
        deliverRows();
        setBusy(false);
        showMessage(tr("Scoring cancelled after %1 pairs.").arg(m_model->rowCount()));
        emit scoringCancelled();
    });
    connect(m_task, &EngineTask::failed, this, [this](const QString& text) {
        deliverRows();
        setBusy(false);
        showMessage(text);
        emit scoringFailed(text);
    });
    connect(m_task, &EngineTask::finished, this, [this] {
        deliverRows();
        m_lastRunMs = m_clock.elapsed();
        setBusy(false);
        showMessage(tr("%1 pairs scored in %2 s (%3).")
                        .arg(m_model->rowCount())
                        .arg(m_lastRunMs / 1000.0, 0, 'f', 1)
                        .arg(m_scoredSettings));
        emit scoringFinished();
    });
}

DatasetView::~DatasetView() {
    m_task->cancel();
}

void DatasetView::buildUi() {
    m_open = new QPushButton(tr("Open…"), this);
    m_open->setObjectName("datasetOpenButton");
    m_score = new QPushButton(tr("Score"), this);
    m_score->setObjectName("datasetScoreButton");
    m_score->setToolTip(tr("Score the whole file again with the editor's template and beta"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName("datasetCancelButton");
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("datasetProgress");
    m_progress->setFormat(tr("line %v of %m"));
    m_progress->setMaximumWidth(220);
    m_status = new QLabel(tr("Open a preference file (JSONL: prompt, chosen, rejected)."), this);
    m_status->setObjectName("datasetStatus");
    m_status->setWordWrap(true);
    m_exportTable = new QPushButton(tr("Export table…"), this);
    m_exportFigure = new QPushButton(tr("Export histogram…"), this);
    auto* top = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(m_open), static_cast<QWidget*>(m_score),
                       static_cast<QWidget*>(m_cancel), static_cast<QWidget*>(m_progress)}) {
        top->addWidget(w);
    }
    top->addWidget(m_status, 1);
    top->addWidget(m_exportTable);
    top->addWidget(m_exportFigure);

    m_misranked = new QCheckBox(tr("Misranked only"), this);
    m_misranked->setObjectName("datasetMisranked");
    m_marginBelow = new QCheckBox(tr("Margin below"), this);
    m_marginBelow->setObjectName("datasetMarginBelow");
    m_marginLimit = new QDoubleSpinBox(this);
    m_marginLimit->setObjectName("datasetMarginLimit");
    m_marginLimit->setRange(-1e6, 1e6);
    m_marginLimit->setDecimals(3);
    m_marginLimit->setSingleStep(0.1);
    m_marginLimit->setValue(0.5);
    m_search = new QLineEdit(this);
    m_search->setObjectName("datasetSearch");
    m_search->setPlaceholderText(tr("Search prompt and responses"));
    m_search->setClearButtonEnabled(true);
    auto* filters = new QHBoxLayout;
    filters->addWidget(m_misranked);
    filters->addWidget(m_marginBelow);
    filters->addWidget(m_marginLimit);
    filters->addWidget(m_search, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName("datasetSummary");
    filters->addWidget(m_summary);

    m_table = new QTableView(this);
    m_table->setObjectName("datasetTable");
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(DatasetModel::Index, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // Interactive, fitted once to the first chunk: ResizeToContents would measure every row on
    // every insert, quadratic over a large file.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setToolTip(tr("Double-click a pair to open it in the compare editor"));
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("datasetHistogram");
    m_plot->setMinimumSize(280, 200);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_plot);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    connect(m_open, &QPushButton::clicked, this, &DatasetView::chooseFile);
    connect(m_score, &QPushButton::clicked, this, &DatasetView::rescore);
    connect(m_cancel, &QPushButton::clicked, this, &DatasetView::cancel);
    connect(m_exportTable, &QPushButton::clicked, this, &DatasetView::chooseTableExport);
    connect(m_exportFigure, &QPushButton::clicked, this, &DatasetView::chooseFigureExport);
    connect(m_table, &QTableView::doubleClicked, this, &DatasetView::activate);
    connect(m_misranked, &QCheckBox::toggled, m_filter, &DatasetFilter::setMisrankedOnly);
    auto marginFilter = [this] {
        m_filter->setMarginBelow(m_marginBelow->isChecked()
                                     ? std::optional<double>(m_marginLimit->value())
                                     : std::nullopt);
    };
    connect(m_marginBelow, &QCheckBox::toggled, this, marginFilter);
    connect(m_marginLimit, &QDoubleSpinBox::valueChanged, this, marginFilter);
    connect(m_search, &QLineEdit::textChanged, m_filter, &DatasetFilter::setSearchText);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_filter, signal, this, [this] { m_summary->setText(summaryText()); });
    }
    connect(m_filter, &QAbstractItemModel::modelReset, this,
            [this] { m_summary->setText(summaryText()); });
    setBusy(false);
    refreshStats();
}

void DatasetView::setRunner(EngineRunner runner) {
    m_task->setRunner(std::move(runner));
}

void DatasetView::setScoreSettings(const QString& templateName, bool scoreEos, double beta) {
    const QString before = settingsText();
    m_templateName = templateName;
    m_scoreEos = scoreEos;
    m_beta = beta;
    if (!isScoring() && m_model->rowCount() > 0 && settingsText() != before &&
        settingsText() != m_scoredSettings) {
        showMessage(tr("The rows were scored with %1; the editor now has %2. Score to rescore.")
                        .arg(m_scoredSettings, settingsText()));
    }
}

QString DatasetView::settingsText() const {
    return tr("template %1, β %2%3")
        .arg(m_templateName)
        .arg(m_beta)
        .arg(m_scoreEos ? tr(", EOS scored") : QString());
}

void DatasetView::setEngineReady(bool ready) {
    m_engineReady = ready;
    if (ready && m_pending) {
        startScoring();
    }
}

bool DatasetView::openFile(const QString& path) {
    auto file = DatasetFile::load(path);
    if (!file) {
        showMessage(QString::fromStdString(file.error()));
        return false;
    }
    m_task->cancel();
    m_path = path;
    const size_t skipped = file->warnings().size();
    m_model->setFile(std::move(file.value()));
    m_table->setColumnHidden(DatasetModel::InErrorSpan, !m_model->file().hasErrorSpans());
    refreshStats();
    QString text =
        tr("%1: %2 pairs").arg(QFileInfo(path).fileName()).arg(m_model->file().entries().size());
    if (skipped > 0) {
        text += tr(", %1 lines skipped (first: %2)")
                    .arg(skipped)
                    .arg(QString::fromStdString(m_model->file().warnings().front().message));
    }
    showMessage(text + '.');
    if (m_engineReady) {
        startScoring();
    } else {
        m_pending = true;
        showMessage(text + tr("; scored once a policy and a reference are loaded."));
    }
    return true;
}

void DatasetView::rescore() {
    if (m_path.isEmpty()) {
        chooseFile();
        return;
    }
    startScoring();
}

void DatasetView::startScoring() {
    m_pending = false;
    if (!m_task->hasRunner()) {
        showMessage(tr("No engine to score with."));
        return;
    }
    m_model->clearRows();
    refreshStats();
    auto inbox = std::make_shared<RowInbox>();
    m_inbox = inbox;
    ScoreRequest defaults;
    defaults.templateName = m_templateName.toStdString();
    defaults.scoreEos = m_scoreEos;
    m_scoredSettings = settingsText();
    auto file = std::make_shared<const DatasetFile>(m_model->file());
    const std::string path = m_path.toStdString();
    m_clock.start();
    m_task->start([inbox, file, path,
                   defaults](PairScorer* scorer, const ProgressFn& progress,
                             const std::atomic<bool>*) -> Result<EngineTask::Deliver> {
        auto summary = scoreDataset(scorer, path, *file, defaults, *inbox, progress);
        if (!summary) {
            return Error{summary.error()};
        }
        if (summary->pairs == 0) {
            return Error{path + ": no line could be scored as a pair" +
                         (summary->warnings.empty() ? std::string(".")
                                                    : " (" + summary->warnings[0].message + ")")};
        }
        return EngineTask::Deliver{};
    });
    m_progress->setRange(0, std::max(1, static_cast<int>(file->entries().size())));
    m_progress->setValue(0);
    setBusy(true);
    m_drain.start();
    showMessage(tr("Scoring %1 (%2)…").arg(QFileInfo(m_path).fileName(), m_scoredSettings));
}

void DatasetView::cancel() {
    m_task->cancel();
}

bool DatasetView::isScoring() const {
    return m_task->isRunning();
}

void DatasetView::deliverRows() {
    if (!m_inbox) {
        return;
    }
    std::vector<DatasetRow> rows = m_inbox->take();
    if (rows.empty()) {
        return;
    }
    const bool first = m_model->rowCount() == 0;
    m_model->appendRows(std::move(rows));
    if (first) {
        m_table->resizeColumnsToContents();
    }
    refreshStats();
    emit rowsDelivered(m_model->rowCount());
}

void DatasetView::updateFromEditor(int entry, const QString& prompt, const QString& chosen,
                                   const QString& rejected, const ResponseScore& chosenScore,
                                   const ResponseScore& rejectedScore) {
    const int r = m_model->rowOfEntry(entry);
    if (r < 0) {
        return;
    }
    const DatasetEntry& original = m_model->file().entries()[entry];
    const bool edited =
        prompt != original.prompt || chosen != original.chosen || rejected != original.rejected;
    if (!edited && !m_model->rowAt(r).edited) {
        return; // the file's pair as scored: keep the batch numbers (the CLI's)
    }
    DatasetRow row =
        makeDatasetRow(entry, original.line, chosenScore, rejectedScore,
                       rejected == original.rejected ? original.rejectedErrorSpans : std::nullopt);
    row.edited = edited;
    m_model->replaceRow(row, prompt, chosen, rejected);
    refreshStats();
}

void DatasetView::refreshStats() {
    std::vector<double> margins;
    int correct = 0;
    for (const DatasetRow& r : m_model->rows()) {
        margins.push_back(r.margin);
        correct += r.correct ? 1 : 0;
    }
    DatasetChart::build(*m_plot, margins,
                        wilsonInterval(correct, static_cast<int>(margins.size())));
    m_summary->setText(summaryText());
}

QString DatasetView::summaryText() const {
    const int total = m_model->rowCount();
    return tr("%1 of %2 pairs shown").arg(m_filter->rowCount()).arg(total);
}

void DatasetView::setBusy(bool busy) {
    if (!busy) {
        m_drain.stop();
    }
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    m_score->setEnabled(!busy);
}

void DatasetView::activate(const QModelIndex& proxyIndex) {
    const QModelIndex source = m_filter->mapToSource(proxyIndex);
    if (!source.isValid()) {
        return;
    }
    const DatasetRow& row = m_model->rowAt(source.row());
    const DatasetEntry& e = m_model->entryOf(source.row());
    emit pairActivated(row.entry, e.prompt, e.chosen, e.rejected);
}

std::vector<int> DatasetView::shownRows() const {
    std::vector<int> rows;
    for (int i = 0; i < m_filter->rowCount(); ++i) {
        rows.push_back(m_filter->mapToSource(m_filter->index(i, 0)).row());
    }
    return rows;
}

bool DatasetView::exportTable(const QString& path, QString* error) const {
    return DatasetExport::write(*m_model, shownRows(), path, error);
}

bool DatasetView::exportHistogram(const QString& path, QString* error) {
    const QSize size = m_plot->width() > 100 ? m_plot->size() : QSize(800, 500);
    return exportPlotFigure(*m_plot, path, size, 96, tr("Margins of %1").arg(m_path), error);
}

void DatasetView::chooseFile() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a preference file"), QFileInfo(m_path).path(),
                                     tr("Preference JSONL (*.jsonl *.json);;All files (*)"));
    if (!path.isEmpty()) {
        openFile(path);
    }
}

void DatasetView::chooseTableExport() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the table"), {},
                                                      tr("CSV (*.csv);;JSON lines (*.jsonl)"));
    QString error;
    if (!path.isEmpty() && !exportTable(path, &error)) {
        showMessage(error);
    }
}

void DatasetView::chooseFigureExport() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the histogram"), {},
                                                      tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
    QString error;
    if (!path.isEmpty() && !exportHistogram(path, &error)) {
        showMessage(error);
    }
}

void DatasetView::showMessage(const QString& text) {
    m_status->setText(text);
    emit message(text);
}

} // namespace cl
