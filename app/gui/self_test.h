#pragma once
// `creditlens --self-test`: builds the main window (offscreen works), checks that its menus and
// key actions exist and that the core engine answers, prints one line per check.

namespace cl {

/// Returns the process exit code: 0 when every check passed, 1 otherwise.
int runSelfTest();

} // namespace cl
