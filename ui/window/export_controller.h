#pragma once
// File → Export figure / Export token data and Edit → Copy as HTML: the workbench's scored
// responses as a publication figure (PNG with a DPI question, SVG, PDF), as CSV/JSON token data,
// or as colored HTML on the clipboard. The last figure path, width and DPI live in QSettings
// ("export/..."). GUI thread only.

#include <QObject>
#include <QString>

class QWidget;

namespace cl {

class Workbench;

class ExportController : public QObject {
    Q_OBJECT
public:
    /// Neither pointer is owned; `window` parents the dialogs and this object.
    ExportController(QWidget* window, Workbench* workbench);

    void exportFigure();
    void exportData();
    void copyHtml();

signals:
    void message(const QString& text, int timeoutMs);
    void failed(const QString& title, const QString& message);

private:
    QWidget* m_window;
    Workbench* m_workbench;
};

} // namespace cl
