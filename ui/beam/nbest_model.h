#pragma once
// The n-best list of one beam search as a table: rank, text, length (generated tokens, EOS
// included), log-likelihood (Σ log π_θ), the beam score (Σ log π_θ / length ^ penalty) and Σr
// (the implicit reward summed over the beam's tokens). Qt::DisplayRole is formatted text,
// Qt::UserRole the raw number (or the full text), which sorting and tests use. GUI thread only.

#include "core/engine/beam_scoring.h"

#include <QAbstractTableModel>

#include <vector>

namespace cl {

class NBestModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Rank, Text, Length, LogLikelihood, Score, RewardSum, ColumnCount };

    explicit NBestModel(QObject* parent = nullptr);

    void setBeams(std::vector<ScoredBeam> beams);
    void clear();
    const std::vector<ScoredBeam>& beams() const { return m_beams; }
    /// The beam of `row`, or nullptr when out of range.
    const ScoredBeam* beam(int row) const;

    /// The beam's text on one line: newlines shown as ⏎, tabs as →.
    static QString oneLine(const QString& text);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<ScoredBeam> m_beams;
};

} // namespace cl
