#pragma once
// The Dataset view's table as CSV or JSONL: the rows given (the view passes the rows it shows,
// in their sorted order), one column per table column under DatasetModel::columnKey plus "line"
// and "edited"; numbers with 17 significant digits so they round-trip. JSONL lines also carry
// the pair's texts (prompt, chosen, rejected; as edited when the row was). GUI thread only.

#include <QString>

#include <vector>

namespace cl {

class DatasetModel;

class DatasetExport {
public:
    static QString toCsv(const DatasetModel& model, const std::vector<int>& rows);
    static QString toJsonl(const DatasetModel& model, const std::vector<int>& rows);
    /// Writes CSV or JSONL by the suffix of `path` (.csv, .jsonl or .json). False with one
    /// sentence in *error on failure or another suffix.
    static bool write(const DatasetModel& model, const std::vector<int>& rows, const QString& path,
                      QString* error = nullptr);
};

} // namespace cl
