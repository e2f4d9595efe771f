#pragma once
// Facts about the loaded pair: architecture, parameter count, dtype, device, memory estimate.

#include "core/engine/model_info.h"

#include <QWidget>

class QTreeWidget;

namespace cl {

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);

    void setModels(const ModelInfo& policy, const ModelInfo& reference);
    void clear();

    /// "70.4 M", "1.2 B" ...; bytes as "268 MiB".
    static QString humanCount(qint64 n);
    static QString humanBytes(qint64 bytes);

private:
    QTreeWidget* m_tree = nullptr;
};

} // namespace cl
