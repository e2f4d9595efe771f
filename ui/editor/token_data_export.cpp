#include "ui/editor/token_data_export.h"

#include "ui/common/reward_colormap.h"
#include "ui/common/token_spans.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace cl {

namespace {

QByteArray csvField(const QString& s) {
    if (!s.contains(QRegularExpression(QStringLiteral("[\",\\r\\n]"))) && !s.startsWith(' ') &&
        !s.endsWith(' ')) {
        return s.toUtf8();
    }
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return ('"' + q + '"').toUtf8();
}

QByteArray number(double v) {
    return QByteArray::number(v, 'g', 17);
}

} // namespace

QByteArray TokenDataExport::toCsv(const std::vector<FigurePanel>& panels) {
    QByteArray out = "response,index,id,token,start_byte,end_byte,logp_policy,logp_ref,reward,"
                     "cumulative_reward,is_eos\n";
    for (const FigurePanel& p : panels) {
        double cumulative = 0.0;
        for (size_t i = 0; i < p.score.tokens.size(); ++i) {
            const TokenScore& t = p.score.tokens[i];
            cumulative += t.reward;
            out += csvField(p.title) + ',' + QByteArray::number(static_cast<qulonglong>(i)) + ',' +
                   QByteArray::number(t.id) + ',' + csvField(QString::fromStdString(t.text)) +
                   ',' + QByteArray::number(static_cast<qlonglong>(t.start)) + ',' +
                   QByteArray::number(static_cast<qlonglong>(t.end)) + ',' +
                   number(t.logpPolicy) + ',' + number(t.logpRef) + ',' + number(t.reward) +
                   ',' + number(cumulative) + ',' + (t.isEos ? "1" : "0") + '\n';
        }
    }
    return out;
}

QByteArray TokenDataExport::toJson(const std::vector<FigurePanel>& panels) {
    QJsonArray responses;
    for (const FigurePanel& p : panels) {
        QJsonArray tokens;
        for (const TokenScore& t : p.score.tokens) {
            tokens.append(QJsonObject{{"id", t.id},
                                      {"text", QString::fromStdString(t.text)},
                                      {"start_byte", static_cast<qint64>(t.start)},
                                      {"end_byte", static_cast<qint64>(t.end)},
                                      {"logp_policy", t.logpPolicy},
                                      {"logp_ref", t.logpRef},
                                      {"reward", t.reward},
                                      {"is_eos", t.isEos}});
        }
        responses.append(QJsonObject{{"title", p.title},
                                     {"text", p.text},
                                     {"beta", p.score.beta},
                                     {"reward_sum", p.score.rewardSum},
                                     {"reward_mean", p.score.rewardMean},
                                     {"logp_policy_sum", p.score.logpPolicySum},
                                     {"logp_ref_sum", p.score.logpRefSum},
                                     {"tokens", tokens}});
    }
    return QJsonDocument(QJsonObject{{"responses", responses}}).toJson(QJsonDocument::Indented);
}

QString TokenDataExport::toHtml(const std::vector<FigurePanel>& panels, double limit) {
    QString html = QStringLiteral("<html><body>");
    for (const FigurePanel& p : panels) {
        html += QStringLiteral("<p><b>%1</b> &nbsp;Σr = %2</p>")
                    .arg(p.title.toHtmlEscaped())
                    .arg(p.score.rewardSum, 0, 'f', 3);
        html += QStringLiteral("<p style=\"white-space: pre-wrap; line-height: 1.6;\">");
        const std::vector<CharSpan> spans = tokenCharSpans(p.score, p.text);
        int covered = 0;
        for (size_t i = 0; i < spans.size(); ++i) {
            if (spans[i].end <= spans[i].start || spans[i].end <= covered) {
                continue;
            }
            const int start = std::max(spans[i].start, covered);
            if (start > covered) {
                html += p.text.mid(covered, start - covered).toHtmlEscaped();
            }
            const QColor bg = RewardColormap::color(p.score.tokens[i].reward, limit);
            html += QStringLiteral("<span style=\"background-color:%1;color:%2\" title=\"r=%3\">"
                                   "%4</span>")
                        .arg(bg.name(), RewardColormap::textColorOn(bg).name())
                        .arg(p.score.tokens[i].reward, 0, 'g', 4)
                        .arg(p.text.mid(start, spans[i].end - start).toHtmlEscaped());
            covered = spans[i].end;
        }
        html += p.text.mid(covered).toHtmlEscaped() + QStringLiteral("</p>");
    }
    return html + QStringLiteral("</body></html>");
}

bool TokenDataExport::save(const QString& path, const std::vector<FigurePanel>& panels,
                           QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "csv" && suffix != "json") {
        if (error) {
            *error = QObject::tr("Unknown data format \"%1\": use .csv or .json.").arg(suffix);
        }
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) {
            *error = QObject::tr("Could not write %1: %2.").arg(path, file.errorString());
        }
        return false;
    }
    file.write(suffix == "csv" ? toCsv(panels) : toJson(panels));
    return file.flush();
}

} // namespace cl
