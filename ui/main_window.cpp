#include "ui/main_window.h"

#include "ui/app_actions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace cl {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle(tr("CreditLens"));
    setWindowIcon(QIcon(":/icons/creditlens.svg"));
    m_actions = new AppActions(this);
    m_actions->buildMenus(menuBar());

    auto* welcome = new QLabel(tr("Open a policy folder (Ctrl+O) and a reference folder "
                                  "(Ctrl+Shift+O) to begin."),
                               this);
    welcome->setAlignment(Qt::AlignCenter);
    setCentralWidget(welcome);
    statusBar()->showMessage(tr("No models loaded"));

    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions->about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_actions->aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
    connect(m_actions->fullScreen, &QAction::toggled, this,
            [this](bool on) { setWindowState(windowState().setFlag(Qt::WindowFullScreen, on)); });
    resize(1200, 800);
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::openPair(const QString& policyDir, const QString& referenceDir,
                          const QString& prompt, const QString& response) {
    m_policyDir = policyDir;
    m_referenceDir = referenceDir;
    statusBar()->showMessage(tr("Policy %1, reference %2").arg(policyDir, referenceDir));
}

void MainWindow::openSessionFile(const QString& path) {
    statusBar()->showMessage(tr("Session %1").arg(path));
}

void MainWindow::restoreWindowState() {
    QSettings settings;
    settings.beginGroup("mainWindow");
    const QByteArray geometry = settings.value("geometry").toByteArray();
    if (!geometry.isEmpty()) {
        restoreGeometry(geometry);
    }
    restoreState(settings.value("state").toByteArray());
}

void MainWindow::saveWindowState() const {
    QSettings settings;
    settings.beginGroup("mainWindow");
    settings.setValue("geometry", saveGeometry());
    settings.setValue("state", saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowState();
    event->accept();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About CreditLens"),
        tr("<h3>CreditLens %1</h3><p>Per-token implicit rewards of DPO language models: "
           "r<sub>t</sub> = β (log π<sub>θ</sub> − log π<sub>ref</sub>).</p>"
           "<p>Licensed under the GNU GPL, version 3 or later.</p>")
            .arg(QStringLiteral(CREDITLENS_VERSION)));
}

} // namespace cl
