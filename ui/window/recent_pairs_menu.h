#pragma once
// File → Recent pairs: the last kMaxPairs policy/reference pairs that loaded, newest first, kept
// in QSettings ("recentPairs", one "policy\nreference" string each). Choosing one emits
// pairChosen(). GUI thread only.

#include <QObject>
#include <QString>
#include <QStringList>

class QMenu;

namespace cl {

class RecentPairsMenu : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxPairs = 8;
    static constexpr const char* kSettingsKey = "recentPairs";

    /// Fills `menu` (not owned; cleared on every rebuild) from QSettings.
    explicit RecentPairsMenu(QMenu* menu, QObject* parent = nullptr);

    /// `pairs` with policy/reference moved (or added) to the front, at most kMaxPairs long.
    static QStringList withPair(QStringList pairs, const QString& policy,
                                const QString& reference);

    /// Records a pair that loaded, then rebuilds the menu.
    void add(const QString& policy, const QString& reference);
    /// The menu from QSettings: "&N policy-name vs reference-name", the full paths as tooltip;
    /// malformed entries are left out; disabled when empty.
    void rebuild();

signals:
    void pairChosen(const QString& policy, const QString& reference);

private:
    QMenu* m_menu;
};

} // namespace cl
