#include "ui/beam/beam_options_form.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>

namespace cl {

namespace {

constexpr int kMaxWidth = 32; // BeamOptions::width contract

QSpinBox* spinBox(QWidget* parent, const char* name, int min, int max, int value) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(min, max);
    s->setValue(value);
    return s;
}

} // namespace

BeamOptionsForm::BeamOptionsForm(QWidget* parent) : QWidget(parent) {
    const BeamOptions defaults;
    m_widthSlider = new QSlider(Qt::Horizontal, this);
    m_widthSlider->setObjectName("beamWidthSlider");
    m_widthSlider->setRange(1, kMaxWidth);
    m_widthSlider->setValue(defaults.width);
    m_width = spinBox(this, "beamWidth", 1, kMaxWidth, defaults.width);
    m_width->setToolTip(tr("Number of beams (1 = greedy decoding)"));
    m_maxNew = spinBox(this, "beamMaxNew", 1, 4096, defaults.maxNewTokens);
    m_minNew = spinBox(this, "beamMinNew", 0, 4096, defaults.minNewTokens);
    m_minNew->setToolTip(tr("EOS is forbidden before this many new tokens"));
    m_lengthPenalty = new QDoubleSpinBox(this);
    m_lengthPenalty->setObjectName("beamLengthPenalty");
    m_lengthPenalty->setRange(-10.0, 10.0);
    m_lengthPenalty->setSingleStep(0.1);
    m_lengthPenalty->setDecimals(2);
    m_lengthPenalty->setValue(defaults.lengthPenalty);
    m_lengthPenalty->setToolTip(tr("score = Σ log π / length ^ penalty"));
    m_earlyStopping = new QComboBox(this);
    m_earlyStopping->setObjectName("beamEarlyStopping");
    m_earlyStopping->addItem(tr("false"), static_cast<int>(EarlyStopping::False));
    m_earlyStopping->addItem(tr("true"), static_cast<int>(EarlyStopping::True));
    m_earlyStopping->addItem(tr("never"), static_cast<int>(EarlyStopping::Never));
    m_numReturn = spinBox(this, "beamNumReturn", 1, defaults.width, defaults.numReturn);
    m_numReturn->setToolTip(tr("Beams returned, best first (at most the width)"));
    m_noRepeat = spinBox(this, "beamNoRepeat", 0, 16, defaults.noRepeatNgram);
    m_noRepeat->setSpecialValueText(tr("off"));
    m_stop = new QLineEdit(this);
    m_stop->setObjectName("beamStopString");
    m_stop->setPlaceholderText(tr("none, e.g. \\n"));
    m_stop->setToolTip(tr("A beam whose text contains this ends like one that emitted EOS. "
                          "Escapes: \\n \\t \\r \\\\"));

    auto* widthRow = new QHBoxLayout;
    widthRow->setContentsMargins(0, 0, 0, 0);
    widthRow->addWidget(m_widthSlider, 1);
    widthRow->addWidget(m_width);
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* widthLabel = new QLabel(tr("&Width:"), this);
    widthLabel->setBuddy(m_width); // a layout cannot be a buddy
    form->addRow(widthLabel, widthRow);
    form->addRow(tr("Max &new tokens:"), m_maxNew);
    form->addRow(tr("Mi&n new tokens:"), m_minNew);
    form->addRow(tr("&Length penalty:"), m_lengthPenalty);
    form->addRow(tr("&Early stopping:"), m_earlyStopping);
    form->addRow(tr("Num &return:"), m_numReturn);
    form->addRow(tr("No-repeat n-&gram:"), m_noRepeat);
    form->addRow(tr("&Stop string:"), m_stop);

    connect(m_widthSlider, &QSlider::valueChanged, m_width, &QSpinBox::setValue);
    connect(m_width, &QSpinBox::valueChanged, this, [this](int w) {
        m_widthSlider->setValue(w);
        m_numReturn->setMaximum(w); // numReturn <= width
        emit optionsChanged();
    });
    for (QSpinBox* s : {m_maxNew, m_minNew, m_numReturn, m_noRepeat}) {
        connect(s, &QSpinBox::valueChanged, this, &BeamOptionsForm::optionsChanged);
    }
    connect(m_lengthPenalty, &QDoubleSpinBox::valueChanged, this, &BeamOptionsForm::optionsChanged);
    connect(m_earlyStopping, &QComboBox::currentIndexChanged, this,
            &BeamOptionsForm::optionsChanged);
    connect(m_stop, &QLineEdit::textChanged, this, &BeamOptionsForm::optionsChanged);
}

BeamOptions BeamOptionsForm::options() const {
    BeamOptions o;
    o.width = m_width->value();
    o.maxNewTokens = m_maxNew->value();
    o.minNewTokens = m_minNew->value();
    o.lengthPenalty = m_lengthPenalty->value();
    o.earlyStopping = static_cast<EarlyStopping>(m_earlyStopping->currentData().toInt());
    o.numReturn = std::min(m_numReturn->value(), o.width);
    o.noRepeatNgram = m_noRepeat->value();
    o.stopString = unescape(m_stop->text());
    return o;
}

void BeamOptionsForm::setOptions(const BeamOptions& o) {
    m_width->setValue(o.width);
    m_maxNew->setValue(o.maxNewTokens);
    m_minNew->setValue(o.minNewTokens);
    m_lengthPenalty->setValue(o.lengthPenalty);
    m_earlyStopping->setCurrentIndex(m_earlyStopping->findData(static_cast<int>(o.earlyStopping)));
    m_numReturn->setValue(o.numReturn);
    m_noRepeat->setValue(o.noRepeatNgram);
    m_stop->setText(escape(o.stopString));
}

std::string BeamOptionsForm::unescape(const QString& typed) {
    QString out;
    for (int i = 0; i < typed.size(); ++i) {
        const QChar c = typed[i];
        if (c != QLatin1Char('\\') || i + 1 == typed.size()) {
            out += c;
            continue;
        }
        const QChar n = typed[++i];
        if (n == QLatin1Char('n')) {
            out += QLatin1Char('\n');
        } else if (n == QLatin1Char('t')) {
            out += QLatin1Char('\t');
        } else if (n == QLatin1Char('r')) {
            out += QLatin1Char('\r');
        } else if (n == QLatin1Char('\\')) {
            out += QLatin1Char('\\');
        } else {
            out += c;
            out += n;
        }
    }
    return out.toStdString();
}

QString BeamOptionsForm::escape(const std::string& text) {
    QString out;
    for (const QChar c : QString::fromStdString(text)) {
        if (c == QLatin1Char('\n')) {
            out += QStringLiteral("\\n");
        } else if (c == QLatin1Char('\t')) {
            out += QStringLiteral("\\t");
        } else if (c == QLatin1Char('\r')) {
            out += QStringLiteral("\\r");
        } else if (c == QLatin1Char('\\')) {
            out += QStringLiteral("\\\\");
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace cl
