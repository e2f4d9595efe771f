#pragma once
// The Training Curves dock of the main window (issue #8): the CurvesView, the View menu toggle
// (Ctrl+Shift+G) and Tools → Open training logs… (Ctrl+Shift+L). Placed in the bottom area,
// hidden until used; the view's messages go to message(). GUI thread only.

#include <QDockWidget>
#include <QStringList>

class QMainWindow;

namespace cl {

class AppActions;
class CurvesView;

class CurvesDock : public QDockWidget {
    Q_OBJECT
public:
    CurvesDock(QMainWindow* window, AppActions* actions);

    CurvesView* view() const { return m_view; }
    /// Shows and raises the dock and opens training logs (files or output folders) in it.
    void openLogs(const QStringList& paths);

signals:
    /// A sentence from the view for the status bar.
    void message(const QString& text);

private:
    CurvesView* m_view = nullptr;
};

} // namespace cl
