#pragma once
// The beam-search settings (core BeamOptions) as a compact form: width as a slider with a spin
// box (1..32), max/min new tokens, length penalty, early stopping, number returned (at most the
// width), no-repeat n-gram size and a stop string typed with C escapes ("\n" is a newline).
// GUI thread only.

#include "core/engine/beam_search.h"

#include <QString>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSlider;
class QSpinBox;

namespace cl {

class BeamOptionsForm : public QWidget {
    Q_OBJECT
public:
    explicit BeamOptionsForm(QWidget* parent = nullptr);

    /// The options as set now. eosId is left unset (the model's config decides).
    BeamOptions options() const;
    /// Shows `options` (values outside a control's range are clamped to it).
    void setOptions(const BeamOptions& options);

    /// "\n", "\t", "\\" and "\r" in `typed` become the characters they name; other text is kept.
    static std::string unescape(const QString& typed);
    /// The inverse of unescape, for showing a stop string in the line edit.
    static QString escape(const std::string& text);

    QSlider* widthSlider() const { return m_widthSlider; }
    QSpinBox* widthSpin() const { return m_width; }

signals:
    void optionsChanged();

private:
    QSlider* m_widthSlider = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_maxNew = nullptr;
    QSpinBox* m_minNew = nullptr;
    QDoubleSpinBox* m_lengthPenalty = nullptr;
    QComboBox* m_earlyStopping = nullptr;
    QSpinBox* m_numReturn = nullptr;
    QSpinBox* m_noRepeat = nullptr;
    QLineEdit* m_stop = nullptr;
};

} // namespace cl
