#include "ui/beam/nbest_model.h"

#include <QString>

namespace cl {

NBestModel::NBestModel(QObject* parent) : QAbstractTableModel(parent) {}

void NBestModel::setBeams(std::vector<ScoredBeam> beams) {
    beginResetModel();
    m_beams = std::move(beams);
    endResetModel();
}

void NBestModel::clear() {
    setBeams({});
}

const ScoredBeam* NBestModel::beam(int row) const {
    return row >= 0 && row < static_cast<int>(m_beams.size()) ? &m_beams[row] : nullptr;
}

QString NBestModel::oneLine(const QString& text) {
    QString out = text;
    out.replace(QLatin1Char('\n'), QChar(0x23CE)); // ⏎
    out.replace(QLatin1Char('\t'), QChar(0x2192)); // →
    return out;
}

int NBestModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_beams.size());
}

int NBestModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NBestModel::data(const QModelIndex& index, int role) const {
    const ScoredBeam* b = beam(index.row());
    if (!b) {
        return {};
    }
    const QString text = QString::fromStdString(b->text);
    const bool hasReward = b->reward.has_value();
    const double rewardSum = hasReward ? b->reward->rewardSum : 0.0;
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Rank:
            return index.row() + 1;
        case Text:
            return text;
        case Length:
            return static_cast<int>(b->beam.ids.size());
        case LogLikelihood:
            return b->beam.sumLogprob;
        case Score:
            return b->beam.score;
        case RewardSum:
            return hasReward ? QVariant(rewardSum) : QVariant();
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Rank:
            return index.row() + 1;
        case Text:
            return oneLine(text);
        case Length:
            return static_cast<int>(b->beam.ids.size());
        case LogLikelihood:
            return QString::number(b->beam.sumLogprob, 'f', 3);
        case Score:
            return QString::number(b->beam.score, 'f', 4);
        case RewardSum:
            return hasReward ? QString::number(rewardSum, 'f', 3) : tr("–");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Text) {
        return text + (b->beam.finished ? tr("\n[ended by EOS or the stop string]")
                                        : tr("\n[ended at max new tokens]"));
    }
    if (role == Qt::TextAlignmentRole && index.column() != Text) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant NBestModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Rank:
            return tr("#");
        case Text:
            return tr("Text");
        case Length:
            return tr("Length");
        case LogLikelihood:
            return tr("Σ log π");
        case Score:
            return tr("Score");
        case RewardSum:
            return tr("Σr");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Length:
            return tr("Generated tokens, EOS included");
        case LogLikelihood:
            return tr("Log-likelihood under the policy (sum over tokens)");
        case Score:
            return tr("Beam score: Σ log π / length ^ length penalty");
        case RewardSum:
            return tr("Implicit reward Σ β (log π_θ − log π_ref) over the tokens");
        default:
            return {};
        }
    }
    return {};
}

} // namespace cl
