#pragma once
// Wires the Dataset view into the main window's editor: the view scores with the editor's
// template, EOS option and beta; a double-clicked row opens its pair in the compare editor
// (through the host's `showPair`, which switches compare mode on and fills the three panes);
// while that pair is shown, each time the workbench has scored both responses (pairScored) the
// row takes the editor's numbers when the texts differ from the file's. Another pair shown by
// the compare panel's navigation ends the link to the row. GUI thread only.

#include <QObject>
#include <QString>

#include <functional>

namespace cl {

class ComparePanel;
class DatasetView;
class EngineClient;
class Workbench;

class DatasetLink : public QObject {
    Q_OBJECT
public:
    using ShowPair =
        std::function<void(const QString& prompt, const QString& chosen, const QString& rejected)>;
    DatasetLink(DatasetView* view, Workbench* workbench, ComparePanel* compare,
                EngineClient* engine, ShowPair showPair, QObject* parent = nullptr);

    /// The entry shown in the compare editor, or -1.
    int shownEntry() const { return m_entry; }

public slots:
    /// A pair was loaded (after its default template was applied): scores the open file again.
    void pairLoaded();

private:
    void syncSettings();
    void onPairScored();

    DatasetView* m_view;
    Workbench* m_workbench;
    ShowPair m_showPair;
    int m_entry = -1;
};

} // namespace cl
