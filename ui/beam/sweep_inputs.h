#pragma once
// Parsing what the user types or loads for a width sweep: the width list and a prompts file.
// Pure functions, any thread.

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace cl {

/// "1,2,3, 5 8" -> {1,2,3,5,8}: separated by commas and/or spaces, each 1..32, no repeats, in
/// the order given. nullopt with one sentence in *error otherwise (empty list included).
std::optional<std::vector<int>> parseSweepWidths(const QString& text, QString* error = nullptr);

/// The widths as the line edit shows them: "1,2,3,5,8,12,16,20".
QString formatSweepWidths(const std::vector<int>& widths);

/// Prompts from a file: .jsonl/.json lines are {"prompt": S} objects or JSON strings, any other
/// file has one prompt per line; blank lines are skipped. nullopt with "<file>:<line>: ..." in
/// *error for a bad line, an unreadable file or a file without prompts.
std::optional<QStringList> readSweepPrompts(const QString& path, QString* error = nullptr);

} // namespace cl
