#include "ui/editor/token_inspector.h"

#include "ui/common/reward_colormap.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace cl {

namespace {

QString visible(const std::string& text) {
    QString s = QString::fromStdString(text);
    s.replace(' ', QChar(0x2423)).replace('\n', QStringLiteral("↵")).replace('\t', QStringLiteral("⇥"));
    return s;
}

} // namespace

TokenInspector::TokenInspector(QWidget* parent) : QWidget(parent) {
    setObjectName("tokenInspector");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_header = new QLabel(this);
    m_header->setObjectName("tokenHeader");
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    // Issue #17: the two tables share a splitter the user can drag, and start equal.
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName("inspectorSplitter");
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    auto make = [this, split](const QString& title, const char* name) {
        auto* box = new QWidget(split);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(2);
        auto* label = new QLabel(title, box);
        auto* table = new QTableWidget(0, 4, box);
        table->setObjectName(name);
        table->setHorizontalHeaderLabels({tr("token"), tr("r(s,a)"), tr("π_θ"), tr("log π_ref")});
        table->verticalHeader()->hide();
        // Compact rows: ten alternatives fit without scrolling at the default window size.
        table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
        table->setMinimumHeight(table->horizontalHeader()->sizeHint().height() +
                                4 * table->verticalHeader()->defaultSectionSize());
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->setSelectionMode(QAbstractItemView::SingleSelection);
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
        table->setToolTip(tr("Click or Enter substitutes the token into the response"));
        label->setBuddy(table);
        boxLayout->addWidget(label);
        boxLayout->addWidget(table, 1);
        split->addWidget(box);
        auto choose = [this, table](QTableWidgetItem* item) {
            const QString text = table->item(item->row(), 0)->data(Qt::UserRole).toString();
            if (m_slot >= 0 && m_index >= 0) {
                const int slot = m_slot;
                const int index = m_index;
                clear(); // the token is gone once substituted
                emit substitute(slot, index, text);
            }
        };
        connect(table, &QTableWidget::itemClicked, this, choose);
        connect(table, &QTableWidget::itemActivated, this, choose); // Enter: keyboard use
        return table;
    };
    m_byReward = make(tr("Top alternatives by &reward r(s,a)"), "byRewardTable");
    m_byPolicy = make(tr("Top alternatives by &policy probability"), "byPolicyTable");
    clear();
}

void TokenInspector::clear() {
    m_slot = m_index = -1;
    m_header->setText(tr("Click a token (or press Ctrl+I in the response) to inspect it."));
    m_byReward->setRowCount(0);
    m_byPolicy->setRowCount(0);
}

void TokenInspector::setMessage(const QString& message) {
    m_header->setText(m_header->text() + "<br><i>" + message.toHtmlEscaped() + "</i>");
}

void TokenInspector::showToken(int slot, int index, const TokenScore& t) {
    m_slot = slot;
    m_index = index;
    m_header->setText(tr("<b>%1</b> &nbsp; id %2 &nbsp; (token %3)<br>"
                         "log π<sub>θ</sub> = %4 &nbsp; log π<sub>ref</sub> = %5<br>"
                         "r<sub>t</sub> = <b>%6</b>%7")
                          .arg(t.isEos ? QStringLiteral("EOS") : visible(t.text).toHtmlEscaped())
                          .arg(t.id)
                          .arg(index + 1)
                          .arg(t.logpPolicy, 0, 'f', 4)
                          .arg(t.logpRef, 0, 'f', 4)
                          .arg(t.reward, 0, 'f', 4)
                          .arg(tr("<br><i>computing alternatives…</i>")));
    m_byReward->setRowCount(0);
    m_byPolicy->setRowCount(0);
}

void TokenInspector::setAlternatives(const Alternatives& alternatives) {
    if (alternatives.position != m_index) {
        return;
    }
    QString header = m_header->text();
    header.remove(tr("<br><i>computing alternatives…</i>"));
    m_header->setText(header);
    fill(m_byReward, alternatives.byReward);
    fill(m_byPolicy, alternatives.byPolicy);
}

void TokenInspector::fill(QTableWidget* table, const std::vector<Alternative>& list) {
    table->setRowCount(static_cast<int>(list.size()));
    double limit = 0.0;
    for (const Alternative& a : list) {
        limit = std::max(limit, std::abs(a.reward));
    }
    limit = RewardColormap::niceCeil(limit);
    for (int r = 0; r < static_cast<int>(list.size()); ++r) {
        const Alternative& a = list[r];
        // Byte pieces of a multi-byte character decode to U+FFFD alone: show their id instead.
        const QString shown = a.text.empty() || QString::fromStdString(a.text).contains(QChar(0xFFFD))
                                  ? QStringLiteral("⟨id %1⟩").arg(a.id)
                                  : visible(a.text);
        auto* token = new QTableWidgetItem(shown);
        token->setData(Qt::UserRole, QString::fromStdString(a.text));
        token->setToolTip(tr("id %1").arg(a.id));
        auto* reward = new QTableWidgetItem(QString::number(a.reward, 'f', 3));
        const QColor bg = RewardColormap::color(a.reward, limit);
        reward->setBackground(bg);
        reward->setForeground(RewardColormap::textColorOn(bg));
        table->setItem(r, 0, token);
        table->setItem(r, 1, reward);
        table->setItem(r, 2, new QTableWidgetItem(QString::number(std::exp(a.logpPolicy), 'f', 4)));
        table->setItem(r, 3, new QTableWidgetItem(QString::number(a.logpRef, 'f', 3)));
        if (!a.plausible) { // ranked after every token the policy might write: grayed
            const QString why = tr("the policy gives this token less than %1; ranked last")
                                    .arg(kPlausibleProbability);
            const QColor gray = table->palette().color(QPalette::Disabled, QPalette::Text);
            for (int c : {0, 2, 3}) {
                table->item(r, c)->setForeground(gray);
                table->item(r, c)->setToolTip(table->item(r, c)->toolTip() + (c ? "" : "\n") + why);
            }
        }
    }
}

} // namespace cl
