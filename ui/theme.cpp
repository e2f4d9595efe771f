#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace cl {

namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x92, 0xc5, 0xde));
    p.setColor(QPalette::Highlight, QColor(0x43, 0x93, 0xc3));
    p.setColor(QPalette::HighlightedText, Qt::black);
    p.setColor(QPalette::Mid, QColor(0x5a, 0x5a, 0x5a));
    p.setColor(QPalette::Disabled, QPalette::Text, disabled);
    p.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    return p;
}

} // namespace

void ThemeManager::apply(Theme theme) {
    static const QString systemStyle = QApplication::style()->name();
    if (theme == Theme::System) {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette()
                                                  : QApplication::style()->standardPalette());
}

QString ThemeManager::toString(Theme theme) {
    switch (theme) {
    case Theme::Light:
        return "light";
    case Theme::Dark:
        return "dark";
    default:
        return "system";
    }
}

Theme ThemeManager::fromString(const QString& name) {
    if (name == "light") {
        return Theme::Light;
    }
    if (name == "dark") {
        return Theme::Dark;
    }
    return Theme::System;
}

void ThemeManager::connectActions(QAction* system, QAction* light, QAction* dark) {
    auto choose = [](Theme t) {
        apply(t);
        QSettings().setValue("view/theme", toString(t));
    };
    QObject::connect(system, &QAction::triggered, system, [choose] { choose(Theme::System); });
    QObject::connect(light, &QAction::triggered, light, [choose] { choose(Theme::Light); });
    QObject::connect(dark, &QAction::triggered, dark, [choose] { choose(Theme::Dark); });
    const Theme saved = fromString(QSettings().value("view/theme").toString());
    (saved == Theme::Dark ? dark : saved == Theme::Light ? light : system)->setChecked(true);
    if (saved != Theme::System) {
        apply(saved);
    }
}

} // namespace cl
