#pragma once
// The Beam Search dock of the main window (issue #7 item 4): the BeamView, run on the engine
// thread, following the editor's prompt and template, its "copy to response" filling the first
// response as one undo step; the View menu toggle (Ctrl+Shift+B). Placed in the bottom area,
// tabbed with `tabWith` when given, hidden until used. GUI thread only.

#include <QDockWidget>

class QMainWindow;

namespace cl {

class AppActions;
class BeamView;
class EngineClient;
class Workbench;

class BeamDock : public QDockWidget {
    Q_OBJECT
public:
    BeamDock(QMainWindow* window, AppActions* actions, EngineClient* engine, Workbench* workbench,
             QDockWidget* tabWith = nullptr);

    BeamView* view() const { return m_view; }

private:
    BeamView* m_view = nullptr;
};

} // namespace cl
