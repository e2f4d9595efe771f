#pragma once
// Runs the built creditlens-cli as a real process, for tests of the CLI contracts.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cl::test {

struct CliRun {
    int code;       ///< exit code; -1 when it did not finish, -2 when it crashed
    QByteArray out; ///< stdout
    QByteArray err; ///< stderr
};

inline CliRun runCli(const QStringList& args, int timeoutMs = 120000) {
    const QString exe =
        QString::fromLocal8Bit(qgetenv("CREDITLENS_BINARY_DIR")) + "/app/cli/creditlens-cli";
    QProcess p;
    p.start(exe, args);
    if (!p.waitForFinished(timeoutMs)) {
        return {-1, {}, "did not finish: " + exe.toLocal8Bit()};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace cl::test
