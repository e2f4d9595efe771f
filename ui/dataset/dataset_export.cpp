#include "ui/dataset/dataset_export.h"

#include "ui/dataset/dataset_model.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

namespace cl {

namespace {

QString num(double v) {
    return QString::number(v, 'g', 17);
}

QString csvField(QString s) {
    if (s.contains(',') || s.contains('"') || s.contains('\n') || s.contains('\r')) {
        s.replace('"', QStringLiteral("\"\""));
        return '"' + s + '"';
    }
    return s;
}

QString spanText(const DatasetRow& r) {
    return r.lowestInErrorSpan ? (*r.lowestInErrorSpan ? "true" : "false") : QString();
}

} // namespace

QString DatasetExport::toCsv(const DatasetModel& model, const std::vector<int>& rows) {
    QStringList header{"line"};
    for (int c = 0; c < DatasetModel::ColumnCount; ++c) {
        header << DatasetModel::columnKey(c);
    }
    header << "edited";
    QString out = header.join(',') + '\n';
    for (int i : rows) {
        const DatasetRow& r = model.rowAt(i);
        QStringList f{QString::number(r.line),
                      QString::number(r.entry + 1),
                      num(r.sumChosen),
                      num(r.sumRejected),
                      num(r.margin),
                      num(r.pChosen),
                      r.correct ? "true" : "false",
                      csvField(r.lowestChosen.text),
                      num(r.lowestChosen.reward),
                      csvField(r.lowestRejected.text),
                      num(r.lowestRejected.reward),
                      QString::number(r.tokensChosen),
                      QString::number(r.tokensRejected),
                      spanText(r),
                      r.edited ? "true" : "false"};
        out += f.join(',') + '\n';
    }
    return out;
}

QString DatasetExport::toJsonl(const DatasetModel& model, const std::vector<int>& rows) {
    QString out;
    for (int i : rows) {
        const DatasetRow& r = model.rowAt(i);
        const DatasetEntry& e = model.entryOf(i);
        QJsonObject o{{"line", r.line},
                      {"index", r.entry + 1},
                      {"sum_r_chosen", r.sumChosen},
                      {"sum_r_rejected", r.sumRejected},
                      {"margin", r.margin},
                      {"p_chosen", r.pChosen},
                      {"correct", r.correct},
                      {"lowest_chosen_token", r.lowestChosen.text},
                      {"lowest_chosen_r", r.lowestChosen.reward},
                      {"lowest_rejected_token", r.lowestRejected.text},
                      {"lowest_rejected_r", r.lowestRejected.reward},
                      {"tokens_chosen", r.tokensChosen},
                      {"tokens_rejected", r.tokensRejected},
                      {"lowest_rejected_in_error_span",
                       r.lowestInErrorSpan ? QJsonValue(*r.lowestInErrorSpan) : QJsonValue()},
                      {"edited", r.edited},
                      {"prompt", e.prompt},
                      {"chosen", e.chosen},
                      {"rejected", e.rejected}};
        // QJsonDocument writes doubles with enough digits to round-trip
        // (QLocale::FloatingPointShortest).
        out += QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + '\n';
    }
    return out;
}

bool DatasetExport::write(const DatasetModel& model, const std::vector<int>& rows,
                          const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    QString text;
    if (suffix == "csv") {
        text = toCsv(model, rows);
    } else if (suffix == "jsonl" || suffix == "json") {
        text = toJsonl(model, rows);
    } else {
        if (error) {
            *error = QObject::tr("%1: choose a .csv or .jsonl file name.").arg(path);
        }
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
        if (error) {
            *error = QObject::tr("%1: cannot write (%2).").arg(path, file.errorString());
        }
        return false;
    }
    return true;
}

} // namespace cl
