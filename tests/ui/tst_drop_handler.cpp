// Drag and drop onto the main window (issue #17 item 4, DropHandler): what each dropped path is,
// and the order in which a drop is handed on.

#include "ui/session.h"
#include "ui/window/drop_handler.h"

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QWidget>

using Kind = cl::DropHandler::Kind;
Q_DECLARE_METATYPE(Kind)

namespace {

void write(const QString& path, const QByteArray& data) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
}

const QByteArray kPairs = R"({"prompt":"P","chosen":" good","rejected":" bad"}
{"prompt":"Q","chosen":" yes","rejected":" no"}
)";
const QByteArray kTrlLog = R"({"loss": 0.69, "step": 1}
{"loss": 0.61, "step": 2}
)";

} // namespace

class TestDropHandler : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        write(path("model/config.json"), "{}");
        write(path("run/trainer_state.json"), "{}"); // an output folder: training logs
        write(path("trainer_state.json"), R"({"log_history": []})");
        write(path("train.jsonl"), kTrlLog);
        write(path("pairs.jsonl"), kPairs);
        write(path("broken.clsession"), "not json");
        cl::Session session;
        session.prompt = "a prompt";
        QVERIFY(session.save(path("saved.clsession")).ok());
        QVERIFY(session.save(path("saved_as.json")).ok());
    }

    void classify_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<Kind>("kind");
        QTest::newRow("folder with config.json") << "model" << Kind::ModelFolder;
        QTest::newRow("other folder") << "run" << Kind::TrainingLog;
        QTest::newRow("trainer_state.json") << "trainer_state.json" << Kind::TrainingLog;
        QTest::newRow("log .jsonl") << "train.jsonl" << Kind::TrainingLog;
        QTest::newRow("preference .jsonl") << "pairs.jsonl" << Kind::PreferencePairs;
        QTest::newRow(".clsession") << "saved.clsession" << Kind::Session;
        QTest::newRow("unreadable .clsession") << "broken.clsession" << Kind::Session;
        QTest::newRow("session under .json") << "saved_as.json" << Kind::Session;
        QTest::newRow("missing") << "nothing_here.txt" << Kind::Ignored;
    }

    void classify() {
        QFETCH(QString, name);
        QFETCH(Kind, kind);
        QCOMPARE(cl::DropHandler::classify(path(name)), kind);
    }

    void planKeepsTheDropOrder() {
        const QList<QUrl> urls = {
            QUrl::fromLocalFile(path("run")),        QUrl::fromLocalFile(path("pairs.jsonl")),
            QUrl::fromLocalFile(path("model")),      QUrl::fromLocalFile(path("saved.clsession")),
            QUrl::fromLocalFile(path("train.jsonl")), QUrl::fromLocalFile(path("model"))};
        const cl::DropHandler::Plan plan = cl::DropHandler::plan(urls);
        QCOMPARE(plan.files.size(), 2);
        QCOMPARE(plan.files[0].first, Kind::PreferencePairs);
        QCOMPARE(plan.files[1].first, Kind::Session);
        QCOMPARE(plan.logs, (QStringList{path("run"), path("train.jsonl")}));
        QCOMPARE(plan.modelFolders, (QStringList{path("model"), path("model")}));
    }

    void linksAreServersNotFolders() {
        // A dropped web link has no local path; "" used to resolve to the working folder, which
        // then opened as a training log. http(s) links are models on a server (issue #16).
        const cl::DropHandler::Plan plan = cl::DropHandler::plan(
            {QUrl("http://gpu:8400/policy"), QUrl("ftp://host/file"),
             QUrl("https://gpu:8400/reference"), QUrl::fromLocalFile(path("run"))});
        QCOMPARE(plan.serverUrls,
                 (QStringList{"http://gpu:8400/policy", "https://gpu:8400/reference"}));
        QCOMPARE(plan.logs, QStringList{path("run")});
        QVERIFY(plan.modelFolders.isEmpty());
        QVERIFY(plan.files.isEmpty());
    }

    void dropOnTheWindowEmitsInOrder() {
        QWidget window;
        auto* handler = new cl::DropHandler(&window);
        QVERIFY(window.acceptDrops());
        QStringList order;
        connect(handler, &cl::DropHandler::sessionDropped, this,
                [&](const QString& p) { order << "session " + QFileInfo(p).fileName(); });
        connect(handler, &cl::DropHandler::preferencesDropped, this,
                [&](const QString& p) { order << "pairs " + QFileInfo(p).fileName(); });
        connect(handler, &cl::DropHandler::logsDropped, this,
                [&](const QStringList& p) { order << QString("logs %1").arg(p.size()); });
        connect(handler, &cl::DropHandler::modelFoldersDropped, this,
                [&](const QStringList& p) { order << QString("models %1").arg(p.size()); });
        connect(handler, &cl::DropHandler::serverUrlsDropped, this,
                [&](const QStringList& p) { order << "servers " + p.join(' '); });

        QMimeData mime;
        mime.setUrls({QUrl("http://gpu:8400/policy"), QUrl::fromLocalFile(path("model")),
                      QUrl::fromLocalFile(path("run")),
                      QUrl::fromLocalFile(path("saved.clsession")),
                      QUrl::fromLocalFile(path("pairs.jsonl"))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(drop.isAccepted());
        QCOMPARE(order, (QStringList{"session saved.clsession", "pairs pairs.jsonl", "logs 1",
                                     "models 1", "servers http://gpu:8400/policy"}));
    }

    void dragWithoutUrlsIsRefused() {
        QWidget window;
        new cl::DropHandler(&window);
        QMimeData mime;
        mime.setText("just text");
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(!enter.isAccepted());
    }
};

QTEST_MAIN(TestDropHandler)
#include "tst_drop_handler.moc"
