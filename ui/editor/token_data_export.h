#pragma once
// Per-token data of scored responses as CSV, JSON and colored HTML (clipboard). Pure functions.

#include "ui/common/figure_renderer.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace cl {

class TokenDataExport {
public:
    /// Columns: response,index,id,token,start_byte,end_byte,logp_policy,logp_ref,reward,
    /// cumulative_reward,is_eos. RFC 4180 quoting; numbers with 17 significant digits.
    static QByteArray toCsv(const std::vector<FigurePanel>& panels);

    /// {"responses":[{"title","text","beta","reward_sum","reward_mean","tokens":[{...}]}]}.
    static QByteArray toJson(const std::vector<FigurePanel>& panels);

    /// The responses as HTML with each token's background colored on [-limit, limit]; pastes
    /// into word processors and mail with the colors kept.
    static QString toHtml(const std::vector<FigurePanel>& panels, double limit);

    /// Writes toCsv or toJson by suffix (.csv, .json); false with *error set on failure.
    static bool save(const QString& path, const std::vector<FigurePanel>& panels,
                     QString* error = nullptr);
};

} // namespace cl
