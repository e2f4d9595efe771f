// The diverging reward colormap (issue #6 item 2): white at 0, blue up, red down, symmetric.

#include "ui/common/reward_colormap.h"

#include <QTest>

class TestRewardColormap : public QObject {
    Q_OBJECT

private slots:
    void zeroIsNearlyWhite() {
        const QColor c = cl::RewardColormap::color(0.0, 1.0);
        QVERIFY2(c.red() >= 240 && c.green() >= 240 && c.blue() >= 240, qPrintable(c.name()));
    }

    void signsHaveHues() {
        const QColor pos = cl::RewardColormap::color(0.8, 1.0);
        const QColor neg = cl::RewardColormap::color(-0.8, 1.0);
        QVERIFY2(pos.blue() > pos.red() + 80, qPrintable(pos.name()));
        QVERIFY2(neg.red() > neg.blue() + 80, qPrintable(neg.name()));
    }

    void endpointsAndClamp_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("limit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("+limit") << 2.0 << 2.0 << "#053061";
        QTest::newRow("-limit") << -2.0 << 2.0 << "#67001f";
        QTest::newRow("beyond +") << 50.0 << 2.0 << "#053061";
        QTest::newRow("beyond -") << -50.0 << 2.0 << "#67001f";
        QTest::newRow("nan is zero") << qQNaN() << 1.0 << "#f7f7f7";
        QTest::newRow("zero limit") << 0.0 << 0.0 << "#f7f7f7";
    }

    void endpointsAndClamp() {
        QFETCH(double, value);
        QFETCH(double, limit);
        QFETCH(QString, expected);
        QCOMPARE(cl::RewardColormap::color(value, limit).name(), expected);
    }

    void monotoneIntensity() {
        // Moving away from 0 never gets lighter (sum of channels decreases), on both sides.
        int last = 3 * 256;
        for (int i = 0; i <= 50; ++i) {
            const QColor c = cl::RewardColormap::color(i / 50.0, 1.0);
            const int sum = c.red() + c.green() + c.blue();
            QVERIFY2(sum <= last + 1, qPrintable(QString("at %1: %2 > %3").arg(i).arg(sum).arg(last)));
            last = sum;
        }
    }

    void textContrast() {
        QCOMPARE(cl::RewardColormap::textColorOn(QColor("#053061")), QColor(Qt::white));
        QCOMPARE(cl::RewardColormap::textColorOn(QColor("#f7f7f7")), QColor(Qt::black));
        QCOMPARE(cl::RewardColormap::textColorOn(QColor("#fddbc7")), QColor(Qt::black));
    }

    void niceCeil_data() {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("expected");
        QTest::newRow("0.37") << 0.37 << 0.4;
        QTest::newRow("1") << 1.0 << 1.0;
        QTest::newRow("1.2") << 1.2 << 1.5;
        QTest::newRow("2.2") << 2.2 << 2.5;
        QTest::newRow("7") << 7.0 << 8.0;
        QTest::newRow("8.5") << 8.5 << 10.0;
        QTest::newRow("0.013") << 0.013 << 0.015;
    }

    void niceCeil() {
        QFETCH(double, x);
        QFETCH(double, expected);
        QVERIFY(qAbs(cl::RewardColormap::niceCeil(x) - expected) < 1e-12);
    }

    void autoLimitCoversBothResponses() {
        cl::ResponseScore a;
        cl::ResponseScore b;
        a.tokens.resize(2);
        a.tokens[0].reward = 0.3;
        a.tokens[1].reward = -0.9;
        b.tokens.resize(1);
        b.tokens[0].reward = 1.7;
        QCOMPARE(cl::RewardColormap::autoLimit({&a}), 1.0);
        QCOMPARE(cl::RewardColormap::autoLimit({&a, &b}), 2.0);
        QCOMPARE(cl::RewardColormap::autoLimit({}, 0.5), 0.5);
        // A large EOS reward saturates instead of washing out the text tokens.
        cl::TokenScore eos;
        eos.isEos = true;
        eos.reward = -9.0;
        a.tokens.push_back(eos);
        QCOMPARE(cl::RewardColormap::autoLimit({&a}), 1.0);
        cl::ResponseScore onlyEos;
        onlyEos.tokens.push_back(eos);
        QCOMPARE(cl::RewardColormap::autoLimit({&onlyEos}), 10.0);
    }
};

QTEST_GUILESS_MAIN(TestRewardColormap)
#include "tst_reward_colormap.moc"
