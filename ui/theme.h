#pragma once
// Light and dark palettes (Fusion style), or the platform's own. The reward colors do not change
// with the theme: they are data, and the editor draws black or white text on them by contrast.

#include <QString>

class QAction;

namespace cl {

enum class Theme { System, Light, Dark };

class ThemeManager {
public:
    /// Applies `theme` to the whole application (GUI thread).
    static void apply(Theme theme);
    static QString toString(Theme theme);
    static Theme fromString(const QString& name); ///< unknown names give System
    /// View → Theme: each action applies its theme and keeps it in QSettings ("view/theme");
    /// the saved theme's action is checked and, unless it is System, applied now.
    static void connectActions(QAction* system, QAction* light, QAction* dark);
};

} // namespace cl
