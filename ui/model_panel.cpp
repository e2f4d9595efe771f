#include "ui/model_panel.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cl {

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("modelPanel");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName("modelTree");
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Property"), tr("Policy"), tr("Reference")});
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_tree);
    clear();
}

QString ModelPanel::humanCount(qint64 n) {
    if (n >= 1'000'000'000) {
        return QString::number(n / 1e9, 'f', 2) + " B";
    }
    if (n >= 1'000'000) {
        return QString::number(n / 1e6, 'f', 1) + " M";
    }
    if (n >= 1'000) {
        return QString::number(n / 1e3, 'f', 1) + " k";
    }
    return QString::number(n);
}

QString ModelPanel::humanBytes(qint64 bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    return QString::number(v, 'f', u == 0 ? 0 : 1) + " " + units[u];
}

void ModelPanel::clear() {
    m_tree->clear();
    auto* item = new QTreeWidgetItem(m_tree, {tr("No models loaded"), {}, {}});
    item->setFirstColumnSpanned(true);
}

void ModelPanel::setModels(const ModelInfo& policy, const ModelInfo& reference) {
    m_tree->clear();
    auto row = [this](const QString& name, const QString& a, const QString& b) {
        auto* item = new QTreeWidgetItem(m_tree, {name, a, b});
        item->setToolTip(1, a);
        item->setToolTip(2, b);
    };
    auto s = [](const std::string& x) { return QString::fromStdString(x); };
    row(tr("Folder"), QFileInfo(s(policy.folder)).fileName(),
        QFileInfo(s(reference.folder)).fileName());
    row(tr("Architecture"), s(policy.architecture), s(reference.architecture));
    row(tr("Parameters"), humanCount(policy.parameters), humanCount(reference.parameters));
    row(tr("Layers × hidden"), QString("%1 × %2").arg(policy.layers).arg(policy.hidden),
        QString("%1 × %2").arg(reference.layers).arg(reference.hidden));
    row(tr("Heads (KV)"), QString("%1 (%2)").arg(policy.heads).arg(policy.kvHeads),
        QString("%1 (%2)").arg(reference.heads).arg(reference.kvHeads));
    row(tr("Vocabulary"), QString::number(policy.vocabSize), QString::number(reference.vocabSize));
    row(tr("Context"), QString::number(policy.maxPositions),
        QString::number(reference.maxPositions));
    row(tr("Stored dtype"), s(policy.storedDtype), s(reference.storedDtype));
    row(tr("Compute dtype"), s(policy.dtype), s(reference.dtype));
    row(tr("Device"), s(policy.device), s(reference.device));
    row(tr("Checkpoint"), humanBytes(policy.checkpointBytes), humanBytes(reference.checkpointBytes));
    row(tr("Memory (est.)"), humanBytes(policy.estimatedBytes),
        humanBytes(reference.estimatedBytes));
}

} // namespace cl
