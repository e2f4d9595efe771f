#pragma once
// A CreditLens session: everything needed to reopen the editor as it was (model folders, prompt,
// responses, beta, template, color range, preference file position). Stored as JSON with a
// "format" tag and version; unknown keys are ignored, missing keys take the defaults below.

#include "core/common/result.h"

#include <QByteArray>
#include <QString>

namespace cl {

struct Session {
    QString policyDir;
    QString referenceDir;
    QString prompt;
    QString response;          ///< the (chosen) response
    QString rejectedResponse;  ///< the second response of compare mode
    bool compare = false;
    double beta = 0.1;
    QString templateName = QStringLiteral("tldr");
    bool colorPinned = false;
    double colorLimit = 1.0;   ///< used when colorPinned
    QString preferencesFile;   ///< a preference JSONL being stepped through
    int preferenceIndex = 0;

    bool operator==(const Session&) const = default;

    static constexpr int kVersion = 1;

    QByteArray toJson() const;
    /// Parses a session; an error names the file (`source`), the field and what was expected.
    static Result<Session> fromJson(const QByteArray& json, const QString& source);

    /// Writes atomically (QSaveFile), so a crash mid-write keeps the old file.
    Status save(const QString& path) const;
    static Result<Session> load(const QString& path);
};

} // namespace cl
