#pragma once
// Facts about the loaded pair: architecture, parameter count, dtype, file format, context,
// device, memory estimate (weights + KV cache for the context, as `creditlens-cli inspect`), and
// below them the pair's load warnings (issues #14/#15), one sentence each.

#include "core/engine/model_info.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace cl {

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);

    void setModels(const ModelInfo& policy, const ModelInfo& reference);
    /// Clears the models and every warning.
    void clear();

    /// The pair's load warnings (PairScorer::loadWarnings), replacing earlier ones.
    void setLoadWarnings(const QStringList& warnings);
    /// The warning about the prompt template in use (empty: none), shown after the load ones.
    void setTemplateWarning(const QString& warning);
    QString templateWarning() const { return m_templateWarning; }
    /// Every warning shown, load warnings first.
    QStringList warnings() const;
    /// The text of the tree's row `property` (e.g. "File format") for column 1 (policy) or 2
    /// (reference); empty when there is no such row. For tests and accessibility.
    QString value(const QString& property, int column) const;

    /// "70.4 M", "1.2 B" ...; bytes as "268 MiB".
    static QString humanCount(qint64 n);
    static QString humanBytes(qint64 bytes);
    /// "LoRA r 8, α 16 (scale 2) on q_proj, v_proj, base llama_gqa", or "none".
    static QString adapterLabel(const ModelInfo& info);

private:
    void showWarnings();

    QTreeWidget* m_tree = nullptr;
    QLabel* m_warningLabel = nullptr;
    QStringList m_loadWarnings;
    QString m_templateWarning;
};

} // namespace cl
