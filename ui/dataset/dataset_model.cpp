#include "ui/dataset/dataset_model.h"

#include <QBrush>
#include <QColor>

namespace cl {

namespace {

QString number(double v) {
    return QString::number(v, 'f', 4);
}

QString tokenLabel(const LowestToken& t) {
    if (t.position < 0) {
        return QString();
    }
    QString text = t.text;
    text.replace('\n', QStringLiteral("⏎"));
    return QStringLiteral("“%1” @%2").arg(text).arg(t.position);
}

} // namespace

DatasetModel::DatasetModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetModel::setFile(DatasetFile file) {
    beginResetModel();
    m_file = std::move(file);
    m_texts = m_file.entries();
    m_rows.clear();
    endResetModel();
}

void DatasetModel::clearRows() {
    beginResetModel();
    m_rows.clear();
    m_texts = m_file.entries();
    endResetModel();
}

void DatasetModel::appendRows(std::vector<DatasetRow> rows) {
    if (rows.empty()) {
        return;
    }
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    for (DatasetRow& r : rows) {
        m_rows.push_back(std::move(r));
    }
    endInsertRows();
}

bool DatasetModel::replaceRow(const DatasetRow& row, const QString& prompt, const QString& chosen,
                              const QString& rejected) {
    const int r = rowOfEntry(row.entry);
    if (r < 0) {
        return false;
    }
    m_rows[r] = row;
    DatasetEntry& e = m_texts[row.entry];
    e.prompt = prompt;
    e.chosen = chosen;
    e.rejected = rejected;
    emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
    return true;
}

const DatasetEntry& DatasetModel::entryOf(int row) const {
    return m_texts[m_rows[row].entry];
}

int DatasetModel::rowOfEntry(int entry) const {
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].entry == entry) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int DatasetModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int DatasetModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const DatasetRow& r = m_rows[index.row()];
    if (role == kTextRole) {
        const DatasetEntry& e = m_texts[r.entry];
        return QString(e.prompt + '\n' + e.chosen + '\n' + e.rejected);
    }
    if (role == kSortRole) {
        switch (index.column()) {
        case Index:
            return r.entry + 1;
        case SumChosen:
            return r.sumChosen;
        case SumRejected:
            return r.sumRejected;
        case Margin:
            return r.margin;
        case PChosen:
            return r.pChosen;
        case Correct:
            return r.correct ? 1 : 0;
        case LowChosen:
            return r.lowestChosen.text;
        case LowChosenR:
            return r.lowestChosen.reward;
        case LowRejected:
            return r.lowestRejected.text;
        case LowRejectedR:
            return r.lowestRejected.reward;
        case TokensChosen:
            return r.tokensChosen;
        case TokensRejected:
            return r.tokensRejected;
        case InErrorSpan:
            return r.lowestInErrorSpan ? (*r.lowestInErrorSpan ? 1 : 0) : -1;
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Index:
            return r.edited ? QStringLiteral("%1 ✎").arg(r.entry + 1)
                            : QString::number(r.entry + 1);
        case SumChosen:
            return number(r.sumChosen);
        case SumRejected:
            return number(r.sumRejected);
        case Margin:
            return number(r.margin);
        case PChosen:
            return QString::number(r.pChosen, 'f', 3);
        case Correct:
            return r.correct ? tr("yes") : tr("no");
        case LowChosen:
            return tokenLabel(r.lowestChosen);
        case LowChosenR:
            return number(r.lowestChosen.reward);
        case LowRejected:
            return tokenLabel(r.lowestRejected);
        case LowRejectedR:
            return number(r.lowestRejected.reward);
        case TokensChosen:
            return r.tokensChosen;
        case TokensRejected:
            return r.tokensRejected;
        case InErrorSpan:
            return r.lowestInErrorSpan ? (*r.lowestInErrorSpan ? tr("yes") : tr("no"))
                                       : QStringLiteral("—");
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != LowChosen &&
        index.column() != LowRejected) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ForegroundRole && index.column() == Correct && !r.correct) {
        return QBrush(QColor(213, 94, 0)); // Okabe-Ito vermillion, as the beam charts
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == Index && r.edited) {
            return tr("Line %1; edited in the compare editor: the numbers are the editor's.")
                .arg(r.line);
        }
        if (index.column() == Index) {
            return tr("Line %1 of the file").arg(r.line);
        }
    }
    return {};
}

QVariant DatasetModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case Index:
        return tr("#");
    case SumChosen:
        return tr("Σr chosen");
    case SumRejected:
        return tr("Σr rejected");
    case Margin:
        return tr("margin");
    case PChosen:
        return tr("P(chosen ≻ rejected)");
    case Correct:
        return tr("correct");
    case LowChosen:
        return tr("lowest chosen token");
    case LowChosenR:
        return tr("r");
    case LowRejected:
        return tr("lowest rejected token");
    case LowRejectedR:
        return tr("r");
    case TokensChosen:
        return tr("tokens chosen");
    case TokensRejected:
        return tr("tokens rejected");
    case InErrorSpan:
        return tr("lowest in error span");
    default:
        return {};
    }
}

QString DatasetModel::columnKey(int column) {
    static const char* keys[] = {"index",
                                 "sum_r_chosen",
                                 "sum_r_rejected",
                                 "margin",
                                 "p_chosen",
                                 "correct",
                                 "lowest_chosen_token",
                                 "lowest_chosen_r",
                                 "lowest_rejected_token",
                                 "lowest_rejected_r",
                                 "tokens_chosen",
                                 "tokens_rejected",
                                 "lowest_rejected_in_error_span"};
    return column >= 0 && column < ColumnCount ? QString::fromLatin1(keys[column]) : QString();
}

} // namespace cl
