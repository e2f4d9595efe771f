#pragma once
// Parses the creditlens command line (QCommandLineParser) into plain options. `plot ...` is
// not parsed here: main() hands it to the Training Curves plot command before this runs.

#include <QString>
#include <QStringList>

namespace cl {

struct GuiOptions {
    bool selfTest = false;
    QString policyDir;      ///< --policy DIR
    QString referenceDir;   ///< --reference DIR
    QString tokenizerDir;   ///< --tokenizer DIR: for server URLs (empty: from the server)
    QString promptFile;     ///< --prompt-file F (UTF-8 text)
    QString response;       ///< --response S
    QString datasetFile;    ///< --dataset F: a preference JSONL opened in the Dataset view
    QString sessionFile;    ///< positional: a session file to open
    QString screenshotFile; ///< hidden --screenshot FILE: grab the shown window, save, exit
    int screenshotDelayMs = 1500;
    // Hidden, for the crash-recovery test (tests/app/tst_gui_cli.cpp, issue #18 item 4):
    QString typeText;          ///< --type TEXT: typed into the first response, key by key
    int typeIntervalMs = 20;   ///< --type-interval MS between two keys; "typed N" on stdout
    bool restoreAndPrint = false; ///< --restore-autosave-and-print: accept the offer, print
                                  ///< {"offered", "response"} as JSON on stdout, exit
};

/// Parses `arguments` (including argv[0]). Handles --help and --version itself (prints and exits,
/// as QCommandLineParser does). A usage error prints one sentence and exits with code 2.
GuiOptions parseGuiCommandLine(const QStringList& arguments);

/// True when no display is reachable and the platform was not chosen: the caller then selects
/// the offscreen platform before constructing QApplication (--version, --self-test, plot).
bool needsOffscreenPlatform();

} // namespace cl
