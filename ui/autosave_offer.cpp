#include "ui/autosave_offer.h"

#include "ui/main_window.h"
#include "ui/session.h"
#include "ui/window/autosave_controller.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace cl {

QMessageBox* AutosaveOffer::show(MainWindow* window) {
    const QString path = AutosaveController::path();
    if (!QFileInfo::exists(path) || !Session::load(path).ok()) {
        return nullptr;
    }
    const QString when =
        QLocale().toString(QFileInfo(path).lastModified(), QLocale::ShortFormat);
    auto* box = new QMessageBox(
        QMessageBox::Question, QObject::tr("Restore unsaved work?"),
        QObject::tr("CreditLens did not exit cleanly last time. Restore the prompt and responses "
                    "it saved automatically at %1?")
            .arg(when),
        QMessageBox::NoButton, window);
    box->setObjectName("autosaveOffer");
    QPushButton* restore = box->addButton(QObject::tr("&Restore"), QMessageBox::AcceptRole);
    restore->setObjectName("restoreButton");
    QPushButton* discard = box->addButton(QObject::tr("&Discard"), QMessageBox::DestructiveRole);
    discard->setObjectName("discardButton");
    box->setDefaultButton(restore);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    QObject::connect(box, &QMessageBox::buttonClicked, window,
                     [window, restore, path](QAbstractButton* clicked) {
                         if (clicked == restore) {
                             window->restoreAutosave();
                         } else {
                             QFile::remove(path);
                         }
                     });
    box->open();
    return box;
}

} // namespace cl
