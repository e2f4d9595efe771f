// Autosave (issue #18 item 4, AutosaveController since issue #17 item 4): typing does not
// restart the timer, the write holds the current session, restore hands it back, a clean exit
// removes the file.

#include "ui/session.h"
#include "ui/window/autosave_controller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <optional>

class TestAutosaveController : public QObject {
    Q_OBJECT

private:
    cl::Session m_session;
    std::optional<cl::Session> m_restored;

    cl::AutosaveController* make(QObject* parent) {
        return new cl::AutosaveController([this] { return m_session; },
                                          [this](const cl::Session& s) { m_restored = s; },
                                          parent);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // never the user's autosave
        QApplication::setOrganizationName("CreditLensTest");
        QApplication::setApplicationName("tst_autosave_controller");
    }

    void init() {
        QFile::remove(cl::AutosaveController::path());
        m_session = cl::Session{};
        m_restored.reset();
    }

    void pathIsInAppData() {
        const QString path = cl::AutosaveController::path();
        QVERIFY(path.endsWith("/autosave.clsession"));
        QVERIFY(path.startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    }

    void typingDoesNotRestartTheTimer() {
        QObject owner;
        cl::AutosaveController* autosave = make(&owner);
        QVERIFY(!autosave->isPending());
        QCOMPARE(autosave->remainingMs(), -1);
        autosave->noteEdit();
        QVERIFY(autosave->isPending());
        QTest::qWait(300);
        const int before = autosave->remainingMs();
        autosave->noteEdit(); // a keystroke 300 ms later
        const int after = autosave->remainingMs();
        QVERIFY2(after <= before && after <= cl::AutosaveController::kIntervalMs - 250,
                 qPrintable(QString("remaining %1 ms after the second edit, %2 ms before it")
                                .arg(after)
                                .arg(before)));
    }

    void writesOnceAfterTheFirstEdit() {
        QObject owner;
        cl::AutosaveController* autosave = make(&owner);
        QSignalSpy written(autosave, &cl::AutosaveController::written);
        m_session.prompt = "typed so far";
        QElapsedTimer clock;
        clock.start();
        autosave->noteEdit();
        // Edits keep coming every 100 ms: a debounce would never write.
        while (written.isEmpty() && clock.elapsed() < 5000) {
            QTest::qWait(100);
            autosave->noteEdit();
        }
        QCOMPARE(written.size(), 1);
        const auto saved = cl::Session::load(cl::AutosaveController::path());
        QVERIFY(saved.ok());
        QCOMPARE(saved.value().prompt, QStringLiteral("typed so far"));
    }

    void restoreHandsTheSessionBack() {
        QObject owner;
        cl::AutosaveController* autosave = make(&owner);
        QVERIFY(!autosave->restore()); // nothing written yet
        QVERIFY(!m_restored);
        m_session.response = "a response worth keeping";
        autosave->writeNow();
        QVERIFY(autosave->restore());
        QVERIFY(m_restored);
        QCOMPARE(*m_restored, m_session);
    }

    void unreadableFileIsNotRestored() {
        QObject owner;
        cl::AutosaveController* autosave = make(&owner);
        QFile file(cl::AutosaveController::path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{ not a session");
        file.close();
        QVERIFY(!autosave->restore());
        QVERIFY(!m_restored);
    }

    void discardStopsAndRemoves() {
        QObject owner;
        cl::AutosaveController* autosave = make(&owner);
        autosave->writeNow();
        QVERIFY(QFile::exists(cl::AutosaveController::path()));
        autosave->noteEdit();
        autosave->discard();
        QVERIFY(!autosave->isPending());
        QVERIFY(!QFile::exists(cl::AutosaveController::path()));
    }
};

QTEST_MAIN(TestAutosaveController)
#include "tst_autosave_controller.moc"
