#pragma once
// Sorting and filtering of the Dataset view's table: misranked pairs only, margin below x, and a
// case-insensitive text search over the prompt and both responses. Sorts numerically by
// DatasetModel::kSortRole. GUI thread only.

#include <QSortFilterProxyModel>

#include <optional>

namespace cl {

class DatasetFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit DatasetFilter(QObject* parent = nullptr);

    void setMisrankedOnly(bool on);
    bool misrankedOnly() const { return m_misranked; }
    /// Keeps rows whose margin is below `x`; nullopt turns the filter off.
    void setMarginBelow(std::optional<double> x);
    std::optional<double> marginBelow() const { return m_marginBelow; }
    /// Keeps rows whose prompt, chosen or rejected text contains `text` (any case).
    void setSearchText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_misranked = false;
    std::optional<double> m_marginBelow;
    QString m_search;
};

} // namespace cl
