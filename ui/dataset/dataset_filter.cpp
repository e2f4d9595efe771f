#include "ui/dataset/dataset_filter.h"

#include "ui/dataset/dataset_model.h"

namespace cl {

DatasetFilter::DatasetFilter(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(DatasetModel::kSortRole);
    setDynamicSortFilter(true); // rows arriving in chunks land in their sorted place
}

void DatasetFilter::setMisrankedOnly(bool on) {
    m_misranked = on;
    invalidateRowsFilter();
}

void DatasetFilter::setMarginBelow(std::optional<double> x) {
    m_marginBelow = x;
    invalidateRowsFilter();
}

void DatasetFilter::setSearchText(const QString& text) {
    m_search = text;
    invalidateRowsFilter();
}

bool DatasetFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* model = qobject_cast<const DatasetModel*>(sourceModel());
    if (!model || sourceParent.isValid()) {
        return true;
    }
    const DatasetRow& r = model->rowAt(sourceRow);
    if (m_misranked && r.correct) {
        return false;
    }
    if (m_marginBelow && !(r.margin < *m_marginBelow)) {
        return false;
    }
    if (!m_search.isEmpty()) {
        const DatasetEntry& e = model->entryOf(sourceRow);
        return e.prompt.contains(m_search, Qt::CaseInsensitive) ||
               e.chosen.contains(m_search, Qt::CaseInsensitive) ||
               e.rejected.contains(m_search, Qt::CaseInsensitive);
    }
    return true;
}

} // namespace cl
