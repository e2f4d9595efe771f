#include "ui/model_panel.h"

#include "core/engine/load_warnings.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
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
    m_warningLabel = new QLabel(this);
    m_warningLabel->setObjectName("modelWarnings");
    m_warningLabel->setWordWrap(true);
    m_warningLabel->setTextFormat(Qt::PlainText);
    m_warningLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_warningLabel);
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
    m_loadWarnings.clear();
    m_templateWarning.clear();
    showWarnings();
}

void ModelPanel::setLoadWarnings(const QStringList& warnings) {
    m_loadWarnings = warnings;
    showWarnings();
}

void ModelPanel::setTemplateWarning(const QString& warning) {
    m_templateWarning = warning;
    showWarnings();
}

QStringList ModelPanel::warnings() const {
    QStringList all = m_loadWarnings;
    if (!m_templateWarning.isEmpty()) {
        all.append(m_templateWarning);
    }
    return all;
}

QString ModelPanel::value(const QString& property, int column) const {
    const QList<QTreeWidgetItem*> rows = m_tree->findItems(property, Qt::MatchExactly, 0);
    return rows.isEmpty() ? QString() : rows.front()->text(column);
}

void ModelPanel::showWarnings() {
    const QStringList all = warnings();
    QStringList lines;
    for (const QString& w : all) {
        lines.append(QStringLiteral("⚠ ") + w);
    }
    m_warningLabel->setText(lines.join('\n'));
    m_warningLabel->setVisible(!all.isEmpty());
}

QString ModelPanel::adapterLabel(const ModelInfo& info) {
    if (!info.adapter) {
        return tr("none");
    }
    const AdapterInfo& a = *info.adapter;
    QStringList targets;
    for (const std::string& t : a.targetModules) {
        targets << QString::fromStdString(t);
    }
    return tr("LoRA r %1, α %2 (scale %3) on %4, base %5")
        .arg(a.rank)
        .arg(a.alpha)
        .arg(a.scaling)
        .arg(targets.join(", "), QFileInfo(QString::fromStdString(a.baseFolder)).fileName());
}

void ModelPanel::setModels(const ModelInfo& policy, const ModelInfo& reference) {
    m_tree->clear();
    auto row = [this](const QString& name, const QString& a, const QString& b) {
        auto* item = new QTreeWidgetItem(m_tree, {name, a, b});
        item->setToolTip(1, a);
        item->setToolTip(2, b);
    };
    auto s = [](const std::string& x) { return QString::fromStdString(x); };
    // A model behind a server (issue #16) is named by its URL; its memory is the server's.
    auto served = [&](const ModelInfo& m) { return s(m.folder).startsWith("http://"); };
    auto where = [&](const ModelInfo& m) {
        return served(m) ? s(m.folder) : QFileInfo(s(m.folder)).fileName();
    };
    auto bytes = [&](const ModelInfo& m, qint64 n) {
        return !served(m) ? humanBytes(n)
               : n > 0    ? tr("%1 on the server").arg(humanBytes(n))
                          : tr("on the server");
    };
    row(tr("Folder"), where(policy), where(reference));
    row(tr("Architecture"), s(policy.architecture), s(reference.architecture));
    row(tr("Parameters"), humanCount(policy.parameters), humanCount(reference.parameters));
    row(tr("Layers × hidden"), QString("%1 × %2").arg(policy.layers).arg(policy.hidden),
        QString("%1 × %2").arg(reference.layers).arg(reference.hidden));
    row(tr("Heads (KV)"), QString("%1 (%2)").arg(policy.heads).arg(policy.kvHeads),
        QString("%1 (%2)").arg(reference.heads).arg(reference.kvHeads));
    row(tr("Vocabulary"), QString::number(policy.vocabSize), QString::number(reference.vocabSize));
    row(tr("Context length"), QString::number(policy.maxPositions),
        QString::number(reference.maxPositions));
    row(tr("Dtype"), s(policy.storedDtype), s(reference.storedDtype));
    row(tr("Compute dtype"), s(policy.dtype), s(reference.dtype));
    row(tr("File format"), s(fileFormatLabel(policy)), s(fileFormatLabel(reference)));
    row(tr("Adapter"), adapterLabel(policy), adapterLabel(reference));
    row(tr("Device"), s(policy.device), s(reference.device));
    row(tr("Checkpoint"), bytes(policy, policy.checkpointBytes),
        bytes(reference, reference.checkpointBytes));
    // The same estimate as `creditlens-cli inspect`: weights in the compute dtype plus a KV
    // cache filled to the context length.
    row(tr("Weights"), bytes(policy, policy.weightBytes), bytes(reference, reference.weightBytes));
    row(tr("KV cache (context)"), bytes(policy, policy.kvCacheBytes),
        bytes(reference, reference.kvCacheBytes));
    row(tr("Memory (est.)"),
        bytes(policy, served(policy) ? 0 : policy.weightBytes + policy.kvCacheBytes),
        bytes(reference, served(reference) ? 0 : reference.weightBytes + reference.kvCacheBytes));
}

} // namespace cl
