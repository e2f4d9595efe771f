#pragma once
// Which template a freshly loaded pair starts with (issue #17): the model decides, not a fixed
// TL;DR. Reads only small JSON files; GUI thread.

#include <QString>

namespace cl {

struct TemplateChoice {
    QString name;   ///< "chat", "tldr" or "raw" (PromptPane::setTemplateName)
    QString reason; ///< one sentence for the user: what was chosen and why
};

/// "chat" when the tokenizer's tokenizer_config.json (policy folder, else reference) has a
/// chat_template (a string or HF's list of named templates); else "tldr" when the policy is the
/// bundled demo's (`demoDir`/policy, compared as canonical paths; demoDir may be empty); else
/// "raw".
TemplateChoice defaultTemplateFor(const QString& policyDir, const QString& referenceDir,
                                  const QString& demoDir);

} // namespace cl
