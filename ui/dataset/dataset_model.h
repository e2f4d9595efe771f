#pragma once
// The Dataset view's table (issue #17 item 1): one row per scored pair, in the order the pairs
// were scored; sorting and filtering live in DatasetFilter on top. Display text per column,
// the raw number under kSortRole (so sorting is numeric), and the pair's texts under kTextRole
// (for the text search). GUI thread only.

#include "ui/dataset/dataset_file.h"
#include "ui/dataset/dataset_row.h"

#include <QAbstractTableModel>

#include <vector>

namespace cl {

class DatasetModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Index = 0,   ///< 1-based position of the pair in the file
        SumChosen,   ///< Σr chosen
        SumRejected, ///< Σr rejected
        Margin,      ///< Σr chosen − Σr rejected
        PChosen,     ///< σ(margin)
        Correct,     ///< margin > 0
        LowChosen,   ///< lowest-r token of chosen
        LowChosenR,
        LowRejected, ///< lowest-r token of rejected
        LowRejectedR,
        TokensChosen,
        TokensRejected,
        InErrorSpan, ///< lowest rejected token inside rejected_error_spans
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1; ///< double, or a string for token columns
    static constexpr int kTextRole = Qt::UserRole + 2; ///< prompt, chosen and rejected joined

    explicit DatasetModel(QObject* parent = nullptr);

    /// A new file: forgets every row.
    void setFile(DatasetFile file);
    const DatasetFile& file() const { return m_file; }
    /// Forgets the rows, keeps the file (before rescoring).
    void clearRows();
    /// Appends a chunk of rows (one insert notification).
    void appendRows(std::vector<DatasetRow> rows);
    /// Replaces the row of entry `row.entry` (an edit in the compare editor) and that entry's
    /// texts; false when no row holds that entry.
    bool replaceRow(const DatasetRow& row, const QString& prompt, const QString& chosen,
                    const QString& rejected);

    const std::vector<DatasetRow>& rows() const { return m_rows; }
    const DatasetRow& rowAt(int row) const { return m_rows[row]; }
    /// The texts of the row's pair (as edited, when it was).
    const DatasetEntry& entryOf(int row) const;
    int rowOfEntry(int entry) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The column's header as CSV/JSONL key (index, sum_r_chosen, ...).
    static QString columnKey(int column);

private:
    DatasetFile m_file;
    std::vector<DatasetEntry> m_texts; // entries, with the editor's texts after edits
    std::vector<DatasetRow> m_rows;
};

} // namespace cl
