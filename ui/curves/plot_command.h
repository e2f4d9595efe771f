#pragma once
// `creditlens plot`: training-curve figures without a window (offscreen), issue #8:
//   creditlens plot --input PATH... --metrics a,b [--smoothing 0.6] [--log-y] [--overlay]
//                   [--x step|epoch|time|examples] [--title T] [--format F]
//                   --out fig.pdf|fig.png|fig.svg [--size 1600x900] [--dpi 150]

#include <QStringList>

namespace cl {

/// Runs the command on its arguments (those after "plot"); needs a QApplication. Prints errors
/// as one sentence on stderr. Returns 0 on success, 1 on a failed read or write, 2 on bad usage.
int runPlotCommand(const QStringList& args);

} // namespace cl
