#pragma once
// Side panel for one token: its numbers, and the top-K alternatives at its position ranked by
// r(s,a) and by policy probability. Activating an alternative (click, Enter) asks for it to be
// substituted into the response.

#include "core/engine/scoring_types.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace cl {

class TokenInspector : public QWidget {
    Q_OBJECT
public:
    explicit TokenInspector(QWidget* parent = nullptr);

    /// Shows token `index` of `slot`'s score; alternatives are cleared until setAlternatives.
    void showToken(int slot, int index, const TokenScore& token);
    void setAlternatives(const Alternatives& alternatives);
    void setMessage(const QString& message);
    void clear();

    int slot() const { return m_slot; }
    int tokenIndex() const { return m_index; }
    QTableWidget* byRewardTable() const { return m_byReward; }
    QTableWidget* byPolicyTable() const { return m_byPolicy; }

signals:
    /// Replace token `index` of `slot` by `text`.
    void substitute(int slot, int index, const QString& text);

private:
    void fill(QTableWidget* table, const std::vector<Alternative>& list);

    QLabel* m_header = nullptr;
    QTableWidget* m_byReward = nullptr;
    QTableWidget* m_byPolicy = nullptr;
    int m_slot = -1;
    int m_index = -1;
};

} // namespace cl
