// LibTorch basics (issue #2 item 8): a numeric check, thread control, the BLAS probe.
#include "core/engine/runtime.h"

#include <QtTest>

#include <thread>

class TestRuntime : public QObject {
    Q_OBJECT
private slots:
    void numericCheck() { QVERIFY(cl::runtime::torchSelfCheck()); }
    void threads() {
        cl::runtime::setThreads(1);
        QCOMPARE(cl::runtime::threads(), 1);
        cl::runtime::setThreads(0);
        QCOMPARE(cl::runtime::threads(),
                 static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    }
    void blasIsFound() {
        const std::string lib = cl::runtime::blasLibrary();
        QVERIFY2(!lib.empty(), "libblas.so.3 not resolved");
        qInfo("BLAS: %s (reference: %d)", lib.c_str(), cl::runtime::blasIsReference());
    }
    void doctorMentionsEverything() {
        const std::string r = cl::runtime::doctorReport();
        for (const char* key : {"libtorch", "threads", "cuda", "blas", "self-check ok"}) {
            QVERIFY2(r.find(key) != std::string::npos, key);
        }
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
