#pragma once
// Where the shared HF fixtures live: $CREDITLENS_FIXTURES, else ../shared/fixtures beside the
// source tree. Tests that need them skip with a message naming the path when it is absent, so a
// fresh clone without shared/ still passes.

#include <QDir>
#include <QString>
#include <QTest>
#include <QtGlobal>

namespace cl::test {

inline QString fixturesDir() {
    const QByteArray env = qgetenv("CREDITLENS_FIXTURES");
    return QDir::cleanPath(env.isEmpty() ? QStringLiteral(CREDITLENS_FIXTURES_DEFAULT)
                                         : QString::fromLocal8Bit(env));
}

inline QString fixturePath(const QString& relative) {
    return fixturesDir() + QLatin1Char('/') + relative;
}

inline std::string fixtureStd(const QString& relative) {
    return fixturePath(relative).toStdString();
}

} // namespace cl::test

/// Skips the current test function when the fixtures folder is missing.
#define CL_REQUIRE_FIXTURES()                                                                  \
    do {                                                                                       \
        if (!QDir(cl::test::fixturesDir()).exists()) {                                        \
            QSKIP(qPrintable(QStringLiteral("fixtures not found at %1 (set CREDITLENS_FIXTURES)") \
                                 .arg(cl::test::fixturesDir())));                              \
        }                                                                                      \
    } while (0)
