#include "ui/window/recent_pairs_menu.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace cl {

RecentPairsMenu::RecentPairsMenu(QMenu* menu, QObject* parent) : QObject(parent), m_menu(menu) {
    rebuild();
}

QStringList RecentPairsMenu::withPair(QStringList pairs, const QString& policy,
                                      const QString& reference) {
    const QString entry = policy + '\n' + reference;
    pairs.removeAll(entry);
    pairs.prepend(entry);
    return pairs.mid(0, kMaxPairs);
}

void RecentPairsMenu::add(const QString& policy, const QString& reference) {
    QSettings settings;
    settings.setValue(kSettingsKey,
                      withPair(settings.value(kSettingsKey).toStringList(), policy, reference));
    rebuild();
}

void RecentPairsMenu::rebuild() {
    m_menu->clear();
    const QStringList pairs = QSettings().value(kSettingsKey).toStringList();
    for (int i = 0; i < pairs.size(); ++i) {
        const QStringList parts = pairs[i].split('\n');
        if (parts.size() != 2) {
            continue;
        }
        QAction* a = m_menu->addAction(QString("&%1 %2 vs %3")
                                           .arg(i + 1)
                                           .arg(QFileInfo(parts[0]).fileName(),
                                                QFileInfo(parts[1]).fileName()));
        a->setToolTip(parts.join(" — "));
        connect(a, &QAction::triggered, this,
                [this, parts] { emit pairChosen(parts[0], parts[1]); });
    }
    m_menu->setEnabled(!m_menu->isEmpty());
}

} // namespace cl
