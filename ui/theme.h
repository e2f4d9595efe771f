#pragma once
// Light and dark palettes (Fusion style), or the platform's own. The reward colors do not change
// with the theme: they are data, and the editor draws black or white text on them by contrast.

#include <QString>

namespace cl {

enum class Theme { System, Light, Dark };

class ThemeManager {
public:
    /// Applies `theme` to the whole application (GUI thread).
    static void apply(Theme theme);
    static QString toString(Theme theme);
    static Theme fromString(const QString& name); ///< unknown names give System
};

} // namespace cl
