#pragma once
// The Dataset dock of the main window: the DatasetView, its DatasetLink to the editor, the View
// menu toggle (Ctrl+Shift+D) and Tools → Open dataset… (Ctrl+Alt+D). Placed in the bottom area,
// tabbed with `tabWith` when given, hidden until used. GUI thread only.

#include "ui/window/dataset_link.h"

#include <QDockWidget>

class QMainWindow;

namespace cl {

class AppActions;
class DatasetView;

class DatasetDock : public QDockWidget {
    Q_OBJECT
public:
    DatasetDock(QMainWindow* window, AppActions* actions, EngineClient* engine,
                Workbench* workbench, ComparePanel* compare, DatasetLink::ShowPair showPair,
                QDockWidget* tabWith = nullptr);

    DatasetView* view() const { return m_view; }
    DatasetLink* link() const { return m_link; }
    /// Shows and raises the dock and opens `path` in it (scored once a pair is loaded).
    bool openFile(const QString& path);

public slots:
    /// Forwarded to DatasetLink::pairLoaded.
    void pairLoaded();

private:
    DatasetView* m_view = nullptr;
    DatasetLink* m_link = nullptr;
};

} // namespace cl
