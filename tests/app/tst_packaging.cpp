// Desktop integration and the Debian package configuration (issue #2): the .desktop entry and
// AppStream metainfo agree on the application id, the icon is a valid SVG, and CPack is set up
// for creditlens_<version>_amd64.deb with the Debian 12 runtime dependencies.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTest>

namespace {

const QString kSource = QStringLiteral(CREDITLENS_SOURCE_DIR);
const QString kAppId = QStringLiteral("io.github.creditlens.CreditLens");

QString readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestPackaging : public QObject {
    Q_OBJECT

private slots:
    void desktopEntry() {
        const QString desktop = readAll(kSource + "/packaging/creditlens.desktop");
        QVERIFY(desktop.startsWith("[Desktop Entry]"));
        for (const char* line : {"Type=Application", "Name=CreditLens", "Terminal=false"}) {
            QVERIFY2(desktop.contains(QString(line) + "\n"), line);
        }
        QVERIFY(desktop.contains(QRegularExpression("^Exec=creditlens( %[fFuU])?$",
                                                    QRegularExpression::MultilineOption)));
        QVERIFY(desktop.contains("Icon=" + kAppId + "\n"));
        QVERIFY(desktop.contains(QRegularExpression("^Categories=.*;$",
                                                    QRegularExpression::MultilineOption)));
    }

    void metainfo() {
        const QString path = kSource + "/packaging/" + kAppId + ".metainfo.xml";
        const QString xml = readAll(path);
        QVERIFY(xml.contains("<id>" + kAppId + "</id>"));
        QVERIFY(xml.contains("<launchable type=\"desktop-id\">" + kAppId + ".desktop</launchable>"));
        QVERIFY(xml.contains("<project_license>GPL-3.0-or-later</project_license>"));
        QVERIFY(xml.contains("<release version=\"" CREDITLENS_VERSION "\""));
        const QString appstream = QStandardPaths::findExecutable("appstreamcli");
        if (appstream.isEmpty()) {
            QSKIP("appstreamcli not installed; content checked above");
        }
        QProcess p;
        p.start(appstream, {"validate", "--no-net", path});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardOutput().constData());
    }

    void icon() {
        QSvgRenderer svg(kSource + "/resources/icons/creditlens.svg");
        QVERIFY(svg.isValid());
        QCOMPARE(svg.viewBoxF().width(), svg.viewBoxF().height()); // square, as icon themes want
    }

    void cpackConfig() {
        const QString config = readAll(QStringLiteral(CREDITLENS_BINARY_DIR "/CPackConfig.cmake"));
        QVERIFY2(!config.isEmpty(), "CPackConfig.cmake not generated");
        QVERIFY(config.contains("set(CPACK_GENERATOR \"DEB\")"));
        QVERIFY(config.contains("set(CPACK_DEBIAN_FILE_NAME \"DEB-DEFAULT\")"));
        QVERIFY(config.contains("set(CPACK_PACKAGE_NAME \"creditlens\")"));
        QVERIFY(config.contains("set(CPACK_PACKAGE_VERSION \"" CREDITLENS_VERSION "\")"));
        const QRegularExpression depends("set\\(CPACK_DEBIAN_PACKAGE_DEPENDS \"([^\"]*)\"\\)");
        const QString deps = depends.match(config).captured(1);
        for (const char* pkg : {"libtorch1.13", "libopenblas0-pthread", "libsentencepiece0",
                                "libpcre2-8-0", "libutf8proc2", "libqt6widgets6", "libqt6svg6",
                                "libqt6printsupport6", "libqcustomplot2.1-qt6"}) {
            QVERIFY2(deps.split(", ").contains(pkg), qPrintable(QString(pkg) + " in " + deps));
        }
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
