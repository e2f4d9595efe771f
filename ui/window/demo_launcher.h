#pragma once
// Help → Open demo (issue #9): the embedded experiment in resources/demo, installed as
// share/creditlens/demo. A DPO policy against its SFT reference with the TL;DR template and
// beta 0.1, its held-out preference pairs stepped through in compare mode, and the training
// logs of the two runs. GUI thread only.

#include <QObject>
#include <QString>
#include <QStringList>

namespace cl {

class PairLoader;
class PromptPane;
class SessionController;

class DemoLauncher : public QObject {
    Q_OBJECT
public:
    /// What a demo folder holds; pairs and logs are empty when absent.
    struct Files {
        QString policy;
        QString reference;
        QString pairs;    ///< pairs.jsonl
        QStringList logs; ///< trainer_state.json of dpo_from_sft, then of dpo_without_sft
    };

    /// The first of `candidates` with policy/config.json and reference/config.json, as a
    /// canonical path; empty when none has.
    static QString findDemoDir(const QStringList& candidates);
    /// The demo next to the program (installed), else the source tree's; empty when neither.
    static QString demoDir();
    static Files filesIn(const QString& dir);

    /// None of the pointers is owned.
    DemoLauncher(SessionController* sessions, PairLoader* pairs, PromptPane* prompt,
                 QObject* parent = nullptr);

    /// Asks about unsaved changes, then loads the pair (TL;DR template, beta 0.1), opens the
    /// preference pairs and asks for the logs (trainingLogsFound). The session stays unmodified.
    void open();

signals:
    void trainingLogsFound(const QStringList& paths);
    /// No demo is installed: a title and a sentence.
    void failed(const QString& title, const QString& message);

private:
    SessionController* m_sessions;
    PairLoader* m_pairs;
    PromptPane* m_prompt;
};

} // namespace cl
