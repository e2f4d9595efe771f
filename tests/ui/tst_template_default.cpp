// Issue #17: the template defaulted to TL;DR whatever the model. It now follows the model on
// load: "chat" when tokenizer_config.json has a chat_template, "tldr" for the bundled demo,
// "raw" otherwise, and the prompt pane says what was chosen and why.

#include "fixture_models.h"

#include "ui/editor/prompt_pane.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kLoadTimeoutMs = 60000;

} // namespace

class TestTemplateDefault : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_settingsDir;
    QString m_reference;

    /// Loads the pair in a fresh window; the chosen template and the note shown with it.
    static bool load(const QString& policy, const QString& reference, QString& name,
                     QString& note) {
        cl::MainWindow window;
        QSignalSpy loaded(&window, &cl::MainWindow::pairLoaded);
        window.openPair(policy, reference);
        if (!QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kLoadTimeoutMs)) {
            qWarning() << "load timed out";
            return false;
        }
        auto* pane = window.findChild<cl::PromptPane*>();
        name = pane->templateName();
        auto* label = pane->findChild<QLabel*>("templateNote");
        note = label ? label->text() : QString();
        return true;
    }

private slots:
    void initTestCase() {
        CL_REQUIRE_FIXTURES();
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("CreditLensTest");
        QApplication::setApplicationName("tst_template_default");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
        QVERIFY(QDir(m_dir.path()).mkpath("reference") && QDir(m_dir.path()).mkpath("chat"));
        m_reference = cl::test::makeStoriesReference(m_dir.filePath("reference"));
        QVERIFY(!m_reference.isEmpty());
    }

    void storiesIsRaw() {
        QString name, note;
        QVERIFY(load(cl::test::storiesPolicyDir(), m_reference, name, note));
        QCOMPARE(name, QStringLiteral("raw"));
        QVERIFY2(note.contains("Raw"), qPrintable(note));
    }

    void chatTemplateIsChat() {
        const QString policy = cl::test::makeStoriesReference(m_dir.filePath("chat"), 1.0f);
        QVERIFY(!policy.isEmpty());
        QFile config(policy + "/tokenizer_config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QJsonObject o = QJsonDocument::fromJson(config.readAll()).object();
        config.close();
        o.insert("chat_template", "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}"
                                  "{% endfor %}");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QJsonDocument(o).toJson());
        config.close();
        QString name, note;
        QVERIFY(load(policy, m_reference, name, note));
        QCOMPARE(name, QStringLiteral("chat"));
        QVERIFY2(note.contains("chat_template"), qPrintable(note));
    }

    void demoIsTldr() {
        const QString demo = QStringLiteral(CREDITLENS_SOURCE_DIR "/resources/demo");
        if (!QFile::exists(demo + "/policy/config.json")) {
            QSKIP("no bundled demo in this tree");
        }
        QString name, note;
        QVERIFY(load(demo + "/policy", demo + "/reference", name, note));
        QCOMPARE(name, QStringLiteral("tldr"));
        QVERIFY2(note.contains("demo"), qPrintable(note));
    }
};

QTEST_MAIN(TestTemplateDefault)
#include "tst_template_default.moc"
