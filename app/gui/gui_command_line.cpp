#include "app/gui/gui_command_line.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QtGlobal>

#include <cstdio>
#include <cstdlib>

namespace cl {

namespace {

[[noreturn]] void usageError(const QString& message) {
    std::fprintf(stderr, "creditlens: %s\n", qPrintable(message));
    std::exit(2);
}

} // namespace

GuiOptions parseGuiCommandLine(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "CreditLens: per-token implicit rewards of DPO language models.\n"
                "Subcommand: creditlens plot ... (figures of training logs, offscreen)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption selfTest("self-test",
                                      "Build the main window, check the engine, exit 0 or 1.");
    const QCommandLineOption policy(
        "policy", "Policy model folder (HF layout), or a server's URL (http://HOST:PORT/policy).",
        "DIR");
    const QCommandLineOption reference(
        "reference",
        "Reference model folder (HF layout), or a server's URL (http://HOST:PORT/reference).",
        "DIR");
    const QCommandLineOption tokenizer(
        "tokenizer",
        "Tokenizer folder for server URLs (default: fetched from a CreditLens server; vLLM "
        "needs it). The token comes from $CREDITLENS_TOKEN.",
        "DIR");
    const QCommandLineOption promptFile("prompt-file", "Read the prompt from this UTF-8 file.",
                                        "FILE");
    const QCommandLineOption response("response", "Initial response text.", "TEXT");
    const QCommandLineOption dataset(
        "dataset", "Open this preference file (JSONL) in the Dataset view and score it.", "FILE");
    parser.addOption(dataset);
    QCommandLineOption screenshot("screenshot", "Save a PNG of the window and exit.", "FILE");
    screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotDelay("screenshot-delay", "Milliseconds before the grab.", "MS");
    screenshotDelay.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption type("type", "Type TEXT into the first response.", "TEXT");
    type.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption typeInterval("type-interval", "Milliseconds between two keys.", "MS");
    typeInterval.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption restoreAndPrint("restore-autosave-and-print",
                                       "Accept the autosave offer, print the texts, exit.");
    restoreAndPrint.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({selfTest, policy, reference, tokenizer, promptFile, response, screenshot,
                       screenshotDelay, type, typeInterval, restoreAndPrint});
    parser.addPositionalArgument("session", "A session file to open.", "[session]");
    parser.process(arguments); // --help/--version/unknown options exit here

    GuiOptions options;
    options.selfTest = parser.isSet(selfTest);
    options.policyDir = parser.value(policy);
    options.referenceDir = parser.value(reference);
    options.tokenizerDir = parser.value(tokenizer);
    options.promptFile = parser.value(promptFile);
    options.response = parser.value(response);
    options.datasetFile = parser.value(dataset);
    options.screenshotFile = parser.value(screenshot);
    if (parser.isSet(screenshotDelay)) {
        bool ok = false;
        options.screenshotDelayMs = parser.value(screenshotDelay).toInt(&ok);
        if (!ok || options.screenshotDelayMs < 0) {
            usageError("--screenshot-delay expects a number of milliseconds.");
        }
    }
    options.typeText = parser.value(type);
    options.restoreAndPrint = parser.isSet(restoreAndPrint);
    if (parser.isSet(typeInterval)) {
        bool ok = false;
        options.typeIntervalMs = parser.value(typeInterval).toInt(&ok);
        if (!ok || options.typeIntervalMs < 1) {
            usageError("--type-interval expects a positive number of milliseconds.");
        }
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        usageError("expected at most one session file, got " + positional.join(' ') + ".");
    }
    if (!positional.isEmpty()) {
        options.sessionFile = positional.first();
    }
    if (options.policyDir.isEmpty() != options.referenceDir.isEmpty()) {
        usageError("--policy and --reference go together: give both folders.");
    }
    if (!options.datasetFile.isEmpty() && !QFileInfo(options.datasetFile).isFile()) {
        usageError("--dataset " + options.datasetFile + " is not a readable file.");
    }
    if (!options.promptFile.isEmpty() && !QFileInfo(options.promptFile).isFile()) {
        usageError("--prompt-file " + options.promptFile + " is not a readable file.");
    }
    return options;
}

bool needsOffscreenPlatform() {
    return qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
           qEnvironmentVariableIsEmpty("DISPLAY") &&
           qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

} // namespace cl
