// Chat templates (issue #15 item 2): the Jinja interpreter against HF's renderings. Data-driven
// over realworld/chat_renderings.json (every template x conversation x add_generation_prompt,
// outputs byte for byte and raise_exception messages verbatim; the count is printed), then the
// semantics real templates lean on, each expectation produced by Jinja2 3.1 in transformers'
// environment: whitespace control under trim_blocks/lstrip_blocks, loop variables, scoping and
// namespace(), slicing, Python's str methods and str() of values, undefined handling, tojson.
// Then what the interpreter refuses at load time, the sandbox bounds, and tokenizer_config.json.
#include "core/text/chat_template/chat_template.h"
#include "core/text/tokenizer_config.h"

#include "common/fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <map>

using ojson = nlohmann::ordered_json;

namespace {

std::string readBytes(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return f.readAll().toStdString();
}

void writeBytes(const QString& path, const std::string& bytes) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

/// Where two renderings first differ, for a readable failure.
QString firstDifference(const std::string& got, const std::string& want) {
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) {
        ++i;
    }
    auto around = [&](const std::string& s) {
        const size_t b = i > 20 ? i - 20 : 0;
        return QString::fromStdString(ojson(s.substr(b, 60)).dump());
    };
    return QStringLiteral("byte %1: got %2, want %3").arg(i).arg(around(got), around(want));
}

/// The conversation the fixtures render (also with messages on the default-variable path).
const char* const kMessages = R"([
    {"role": "system", "content": " Be brief.\u0085"},
    {"role": "user", "content": "Hi\u00a0"},
    {"role": "assistant", "content": "<think>\nplan\n</think>\n\nHello!"},
    {"role": "user", "content": "Bye"}])";

std::tm frozenClock() {
    std::tm t{};
    t.tm_year = 2024 - 1900;
    t.tm_mon = 6;
    t.tm_mday = 26;
    t.tm_hour = 12;
    t.tm_wday = 5;
    t.tm_yday = 207;
    return t;
}

cl::Result<std::string> renderSource(const std::string& source, const std::string& variables = "{}",
                                     bool addGenerationPrompt = true) {
    auto t = cl::ChatTemplate::parse(source);
    if (!t) {
        return cl::Error{t.error()};
    }
    t->setClock(frozenClock);
    return t->render(ojson::parse(kMessages), addGenerationPrompt, ojson::parse(variables));
}

} // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT
private slots:
    void fixtureRenderings();
    void fixtureTemplatesFromTokenizerFolders();
    void semantics_data();
    void semantics();
    void raiseExceptionMessageIsVerbatim();
    void unsupportedConstructsFailAtLoad_data();
    void unsupportedConstructsFailAtLoad();
    void runtimeErrorsNameTheLine();
    void sandboxBounds();
    void noFileOrSystemAccess();
    void tokenizerConfigChatTemplate();
    void fromTokenizerDir();
    void keyOrderOfJsonTypes();
};

void TestChatTemplate::fixtureRenderings() {
    CL_REQUIRE_FIXTURES();
    const QString base = cl::test::fixturePath("realworld");
    if (!QFile::exists(base + "/chat_renderings.json")) {
        QSKIP("realworld/chat_renderings.json is absent");
    }
    const ojson fixture = ojson::parse(readBytes(base + "/chat_renderings.json"));
    std::map<std::string, ojson> conversations;
    // The conversations are in the renderings file; inputs.json holds the same list.
    const ojson convList = fixture.contains("conversations")
                               ? fixture.at("conversations")
                               : ojson::parse(readBytes(base + "/inputs.json")).at("conversations");
    for (const auto& c : convList) {
        conversations[c.at("id").get<std::string>()] = c.at("messages");
    }
    struct Loaded {
        std::optional<cl::ChatTemplate> tmpl;
        std::string loadError;
        ojson variables;
    };
    std::map<std::string, Loaded> templates;
    for (const auto& t : fixture.at("templates")) {
        Loaded l;
        const std::string file = t.value("file", t.at("name").get<std::string>() + ".jinja");
        auto parsed = cl::ChatTemplate::parse(
            readBytes(base + "/chat_templates/" + QString::fromStdString(file)));
        if (parsed) {
            l.tmpl = std::move(parsed).value();
        } else {
            l.loadError = parsed.error();
        }
        l.variables = t.value("variables", ojson::object());
        templates[t.at("name").get<std::string>()] = std::move(l);
    }
    int outputs = 0, errors = 0;
    QStringList failures;
    for (const auto& r : fixture.at("renderings")) {
        const std::string name = r.at("template");
        const std::string convId = r.at("conversation");
        const bool agp = r.at("add_generation_prompt");
        const QString where = QStringLiteral("%1 | %2 | add_generation_prompt=%3")
                                  .arg(QString::fromStdString(name), QString::fromStdString(convId))
                                  .arg(agp);
        const auto t = templates.find(name);
        if (t == templates.end() || !t->second.tmpl) {
            failures << where + ": template did not load: " +
                            QString::fromStdString(t == templates.end() ? "missing"
                                                                        : t->second.loadError);
            continue;
        }
        const auto out = t->second.tmpl->render(conversations.at(convId), agp, t->second.variables);
        if (r.contains("error")) {
            ++errors;
            const ojson& e = r.at("error");
            const std::string want =
                e.is_string() ? e.get<std::string>() : e.at("message").get<std::string>();
            if (out) {
                failures << where + ": rendered, but HF raised: " + QString::fromStdString(want);
            } else if (out.error() != want) {
                failures << where + ": error " + QString::fromStdString(out.error()) +
                                ", HF's: " + QString::fromStdString(want);
            }
        } else {
            ++outputs;
            const std::string want = r.at("output");
            if (!out) {
                failures << where + ": error " + QString::fromStdString(out.error());
            } else if (*out != want) {
                failures << where + ": " + firstDifference(*out, want);
            }
        }
    }
    qInfo("chat templates: checked %d renderings (%d outputs, %d raised errors) of %d templates, "
          "%lld mismatches",
          outputs + errors, outputs, errors, int(templates.size()), qlonglong(failures.size()));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 10).join("\n")));
    QVERIFY(outputs + errors > 0);
}

void TestChatTemplate::fixtureTemplatesFromTokenizerFolders() {
    // The four tokenizer folders carry their template in tokenizer_config.json: loading it from
    // there renders exactly what the fixture's copy renders, with bos/eos from the same file.
    CL_REQUIRE_FIXTURES();
    const QString base = cl::test::fixturePath("realworld");
    if (!QFile::exists(base + "/chat_renderings.json")) {
        QSKIP("realworld/ fixtures are absent");
    }
    const ojson fixture = ojson::parse(readBytes(base + "/chat_renderings.json"));
    for (const char* name : {"llama3", "llama3_1", "qwen3", "gemma3"}) {
        auto fromDir = cl::ChatTemplate::fromTokenizerDir(
            cl::test::fixtureStd(QString("realworld/tokenizers/") + name));
        QVERIFY2(fromDir.ok(), fromDir.error().c_str());
        QCOMPARE(fromDir->source(), readBytes(base + "/chat_templates/" + name + ".jinja"));
        ojson variables;
        for (const auto& t : fixture.at("templates")) {
            if (t.at("name") == name) {
                variables = t.at("variables");
            }
        }
        for (const char* key : {"bos_token", "eos_token"}) {
            if (variables.contains(key)) {
                QCOMPARE(fromDir->defaultVariables().value(key, ""),
                         variables.at(key).get<std::string>());
            }
        }
        const ojson convo = fixture.at("conversations").at(0).at("messages");
        for (const auto& r : fixture.at("renderings")) {
            if (r.at("template") == name &&
                r.at("conversation") == fixture.at("conversations").at(0).at("id") &&
                r.contains("output")) {
                const auto out = fromDir->render(convo, r.at("add_generation_prompt").get<bool>());
                QVERIFY2(out.ok(), out.error().c_str());
                QCOMPARE(*out, r.at("output").get<std::string>());
            }
        }
    }
}

void TestChatTemplate::semantics_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const char* source, const char* variables,
                  const char* expected) {
        QTest::newRow(name) << QString::fromUtf8(source) << QString::fromUtf8(variables)
                            << QString::fromUtf8(expected);
    };
    // Expected outputs: Jinja2 3.1 with transformers' environment, messages = kMessages,
    // add_generation_prompt = true, strftime_now frozen at 2024-07-26 12:00.
    row("ws/trim_blocks drops the newline after a block tag",
        "{% if true %}\nyes\n{% endif %}\nend", "{}", "yes\nend");
    row("ws/lstrip_blocks strips indentation before a block tag",
        "a\n    {% if true %}\n    b\n    {% endif %}\nc", "{}", "a\n    b\nc");
    row("ws/variables are not lstripped", "a\n    {{ 'v' }}\n    {% set x = 1 %}\nb", "{}",
        "a\n    v\nb");
    row("ws/minus strips all whitespace around", "a \n {%- if true -%} \n b \n {%- endif -%} \n c",
        "{}", "abc");
    row("ws/plus keeps indentation and newline", "a\n  {%+ if true +%}\nb\n  {%+ endif +%}\nc",
        "{}", "a\n  \nb\n  \nc");
    row("ws/comments are trimmed like blocks", "a\n  {# note #}\nb {#- tight -#} c", "{}", "a\nbc");
    row("ws/print tags strip with minus only", "x {{- 1 -}} y {{ 2 }}\n", "{}", "x1y 2");
    row("ws/one trailing newline is dropped", "line\n\n", "{}", "line\n");
    row("ws/CRLF and CR become LF", "a\r\nb\r{% if true %}\r\nc{% endif %}\r\n", "{}", "a\nb\nc");
    row("ws/unicode whitespace before a tag", "x\n\u3000{% if true %}y{% endif %}", "{}", "x\ny");
    row("ws/raw block",
        "{% raw %}{{ kept }}{% endraw %}\n  {% raw -%}\n  {{ x }}\n  {%- endraw %}\nend", "{}",
        "{{ kept }}{{ x }}end");
    row("loop/index variables",
        "{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ "
        "loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
        "{}", "1043TrueFalse4;2132FalseFalse4;3221FalseFalse4;4310FalseTrue4;");
    row("loop/filter counts only accepted items",
        "{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ m.role "
        "}}{{ '.' if loop.last }} {% endfor %}",
        "{}", "1/3:user 2/3:assistant 3/3:user. ");
    row("loop/filter sees the enclosing loop",
        "{% for a in [1, 2] %}{% for b in [3, 4] if loop.index0 == 0 %}{{ a }}{{ b }}{% endfor "
        "%}{% endfor %}",
        "{}", "1314");
    row("loop/filter is lazy like Jinja's",
        "{% set ns = namespace(done=false) %}{% for m in messages if not ns.done %}{{ m.role }}{% "
        "set ns.done = true %}{% endfor %}",
        "{}", "system");
    row("loop/previtem nextitem cycle changed",
        "{% for i in [1, 1, 2] %}{{ loop.previtem|default('-') }}{{ loop.nextitem|default('-') "
        "}}{{ loop.cycle('a', 'b') }}{{ loop.changed(i) }} {% endfor %}",
        "{}", "-1aTrue 12bFalse 1-aTrue ");
    row("loop/else runs when no iteration completed",
        "{% for x in [] %}a{% else %}empty{% endfor %}|{% for x in [1, 2] %}{% continue %}{% else "
        "%}E{% endfor %}|{% for x in [1, 2] %}{% if x == 2 %}{% break %}{% endif %}{% else %}E{% "
        "endfor %}",
        "{}", "empty|E|");
    row("loop/tuple unpacking over items",
        "{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for k, v in "
        "{'b': 1, 'a': 2} | dictsort %}{{ k }}{{ v }}{% endfor %}",
        "{}", "b=1;a=2;a2b1");
    row("loop/reversed messages", "{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %}", "{}",
        "uaus");
    row("scope/set in a loop does not leak",
        "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = i * 10 %}{{ x }} {% endfor %}{{ x "
        "}}",
        "{}", "110 120 1");
    row("scope/set in if does leak", "{% if true %}{% set y = 'in' %}{% endif %}{{ y }}", "{}",
        "in");
    row("scope/namespace carries values out of loops",
        "{% set ns = namespace(n=0, s='') %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% set "
        "ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }} {{ ns }}",
        "{}", "6 0123 <Namespace {'n': 6, 's': '0123'}>");
    row("scope/set block and filter block",
        "{% set x %}\n  block {{ 1 + 1 }}\n{% endset %}[{{ x }}]{% filter upper %}shout {{ 'x' "
        "}}{% endfilter %}",
        "{}", "[  block 2\n]SHOUT X");
    row("scope/with",
        "{% set a = 1 %}{% with a = a + 1, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}", "{}",
        "211");
    row("macro/defaults, keywords, recursion, varargs",
        "{% macro f(n, sep='.') %}{{ n }}{% if n > 0 %}{{ sep }}{{ f(n - 1, sep) }}{% endif %}{% "
        "endmacro %}{{ f(3) }} {{ f(2, sep='-') }}{% macro v(a) %}{{ a }}{{ varargs }}{{ kwargs "
        "}}{% endmacro %} {{ v(1, 2, k=3) }}",
        "{}", "3.2.1.0 2-1-0 1(2,){'k': 3}");
    row("macro/sees globals at call time, not the caller's loop",
        "{% macro m() %}{{ y }}{{ loop is defined }}{% endmacro %}{% set y = 'Y' %}{% for i in [1] "
        "%}{{ m() }}{% endfor %}",
        "{}", "YFalse");
    row("expr/arithmetic like Python",
        "{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 1.5 * "
        "2 }} {{ 0.1 + 0.2 }} {{ 10 / 5 }}",
        "{}", "3.5 3 -4 2 1024 0.5 3.0 0.30000000000000004 2.0");
    row("expr/str of values like Python",
        "{{ none }} {{ true }} {{ 1.0 }} {{ 1e16 }} {{ 1e-5 }} {{ [1, 'a', none, true, 1.5] }} {{ "
        "{'k': \"it's\"} }} {{ (1,) }} {{ range(3) }}",
        "{}",
        "None True 1.0 1e+16 1e-05 [1, 'a', None, True, 1.5] {'k': \"it's\"} (1,) range(0, 3)");
    row("expr/comparisons and membership",
        "{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' in 'abc' }} {{ 'z' not in ['a'] }} "
        "{{ 'role' in messages[0] }} {{ [1, 2] < [1, 3] }}",
        "{}", "True True True True True True True");
    row("expr/and or return operands, conditional expressions",
        "{{ 0 or 'zero' }} {{ 'a' and 'b' }} {{ 'yes' if messages else 'no' }} [{{ 'x' if false "
        "}}]",
        "{}", "zero b yes []");
    row("expr/slicing",
        "{{ 'hello'[::-1] }} {{ 'hello'[1:3] }} {{ 'héllo'[1] }} {{ [1, 2, 3][-1] }} {{ [1, 2, "
        "3][1:] }} {{ messages[1:] | length }} {{ 'abcdef'[::2] }}",
        "{}", "olleh el é 3 [2, 3] 3 ace");
    row("expr/concat with tilde",
        "{{ 'a' ~ 1 ~ none ~ true ~ 1.5 }} {{ 'ab' * 2 }} {{ [1] + [2] }}", "{}",
        "a1NoneTrue1.5 abab [1, 2]");
    row("expr/string escapes",
        "{{ 'tab\\there' }}|{{ \"q\\\"uote\" }}|{{ '\\u00e9\\x41' }}|{{ 'back\\\\slash' }}|{{ 'a' "
        "'b' }}",
        "{}", "tab\there|q\"uote|éA|back\\slash|ab");
    row("str/strip is Python's whitespace (U+0085, NBSP)",
        "[{{ messages[0].content | trim }}][{{ messages[1].content.strip() }}][{{ "
        "'xxaxx'.strip('x') }}][{{ '  a '.lstrip() }}][{{ ' a  '.rstrip() }}]",
        "{}", "[Be brief.][Hi][a][a ][ a]");
    row("str/split, startswith, replace, case",
        "{{ 'a  b\\tc'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b'.split(',', 1) }} {{ "
        "'x.y.z'.rsplit('.', 1) }} {{ 'Hello'.startswith('He') }} {{ 'Hello'.endswith(('x', 'lo')) "
        "}} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'straße'.upper() }} {{ 'ΟΔΟΣ'.lower() }} {{ 'hello "
        "wORLD'.title() }} {{ 'hello'.capitalize() }}",
        "{}",
        "['a', 'b', 'c'] ['a', 'b', '', 'c'] ['a', 'b'] ['x.y', 'z'] True True bba STRASSE οδος "
        "Hello World Hello");
    row("str/think splitting as Qwen3 does",
        "{% set c = messages[2].content %}{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ "
        "c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}",
        "{}", "Hello!|plan");
    row("str/format and percent",
        "{{ '{} and {}'.format(1, 'x') }} {{ '{x:>4}|{y:.2f}'.format(x='ab', y=2.5) }} {{ "
        "'%s-%d-%05.1f-%r' % ('a', 3, 2.25, 'q') }} {{ '%s!' | format('hi') }}",
        "{}", "1 and x   ab|2.50 a-3-002.2-'q' hi!");
    row("dict/items keys values get",
        "{% set d = {'b': 1, 'a': [1, 2]} %}{{ d.items() }} {{ d.keys() | list }} {{ d.values() | "
        "list }} {{ d.get('a') }} {{ d.get('x', 'dflt') }} {{ d.b }} {{ d['a'][1] }}",
        "{}", "dict_items([('b', 1), ('a', [1, 2])]) ['b', 'a'] [1, [1, 2]] [1, 2] dflt 1 2");
    row("filters/common",
        "{{ messages | length }} {{ 'x' | upper }} {{ 'X' | lower }} {{ none | default('d') }} {{ "
        "undefined_name | default('d') }} {{ '' | default('d', true) }} {{ [3, 1, 2] | sort | "
        "join(',') }} {{ [3, 1, 2] | first }} {{ [3, 1, 2] | last }} {{ 'user' | capitalize }} {{ "
        "'a-b c' | title }} {{ 'aXa' | replace('a', 'b') }}",
        "{}", "4 X x None d d 1,2,3 3 2 User A-B C bXb");
    row("filters/selectattr map select",
        "{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }} "
        "{{ messages | rejectattr('role', 'in', ['user']) | map(attribute='role') | join('+') }} "
        "{{ [1, 2, 3, 4] | select('even') | list }} {{ [1, 2] | map('string') | list }} {{ "
        "messages | map(attribute='name', default='anon') | first }}",
        "{}", "['Hi\\xa0', 'Bye'] system+assistant [2, 4] ['1', '2'] anon");
    row("filters/numbers",
        "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int(7) }} {{ 3 | float }} {{ 2.567 | round(2) "
        "}} {{ 2.5 | round }} {{ -3 | abs }} {{ [1, 2.5] | sum }} {{ [3, 9, 1] | max }}",
        "{}", "42 4 7 3.0 2.57 2.0 3 3.5 9");
    row("filters/indent and center",
        "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'ab' | center(6) }}|",
        "{}", "a\n  b\n\n  c|  a\n  b|  ab  |");
    row("filters/tojson as transformers does",
        "{{ messages[1] | tojson }} {{ {'b': [1, 2.0, none, true], 'a': 'é\\n\"'} | tojson }} {{ "
        "{'b': 1, 'a': 2} | tojson(sort_keys=true) }} {{ [1, {'k': 'v'}] | tojson(indent=2) }} {{ "
        "{'x': [1]} | tojson(separators=(',', ':')) }} {{ 'é' | tojson(ensure_ascii=true) }}",
        "{}",
        "{\"role\": \"user\", \"content\": \"Hi\u00a0\"} {\"b\": [1, 2.0, null, true], \"a\": "
        "\"é\\n\\\"\"} {\"a\": 2, \"b\": 1} [\n  1,\n  {\n    \"k\": \"v\"\n  }\n] {\"x\":[1]} "
        "\"\\u00e9\"");
    row("filters/safe and escape follow markupsafe",
        "{{ '<b>' | e }} {{ ('<i>' | safe) + '<' }} {{ '<' + ('<i>' | safe) }} {{ ('<' | e) ~ '<' "
        "}}",
        "{}", "&lt;b&gt; <i>&lt; &lt;<i> &lt;<");
    row("tests/common",
        "{{ messages is iterable }} {{ messages[0] is mapping }} {{ 'x' is string }} {{ 1 is "
        "number }} {{ none is none }} {{ nope is defined }} {{ nope is undefined }} {{ 3 is odd }} "
        "{{ 4 is divisibleby 2 }} {{ true is true }} {{ false is false }} {{ 1 is boolean }} {{ "
        "'ab' is lower }} {{ 2 is eq 2 }} {{ 'a' is in 'abc' }} {{ [] is sequence }}",
        "{}", "True True True True True False True True True True True False True True True True");
    row("undefined/missing keys print nothing, is defined is false",
        "[{{ messages[0].nope }}][{{ messages[0]['nope'] }}][{{ messages[9] }}]{{ messages[0].nope "
        "is defined }}{{ messages[0].role is defined }}",
        "{}", "[][][]FalseTrue");
    row("globals/range dict namespace strftime_now",
        "{{ range(1, 10, 3) | list }} {{ dict(a=1, b='x') }} {{ namespace(a=1).a }} {{ "
        "strftime_now('%Y-%m-%d %d %b %Y') }}",
        "{}", "[1, 4, 7] {'a': 1, 'b': 'x'} 1 2024-07-26 26 Jul 2024");
    row("vars/bos eos add_generation_prompt tools documents",
        "{{ bos_token }}{{ eos_token }}{{ add_generation_prompt }}{{ tools }}{{ documents }}",
        "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}", "<s></s>TrueNoneNone");
}

void TestChatTemplate::semantics() {
    QFETCH(QString, source);
    QFETCH(QString, variables);
    QFETCH(QString, expected);
    const auto out = renderSource(source.toStdString(), variables.toStdString());
    QVERIFY2(out.ok(), out.error().c_str());
    const std::string want = expected.toStdString();
    QVERIFY2(*out == want, qPrintable(firstDifference(*out, want)));
}

void TestChatTemplate::raiseExceptionMessageIsVerbatim() {
    const std::string roles = "Conversation roles must alternate user/assistant/user/assistant/...";
    auto out = renderSource("{{ raise_exception('" + roles + "') }}");
    QVERIFY(!out.ok());
    QCOMPARE(out.error(), roles);
    // Computed in the template, raised from a loop inside a macro: still the bare message.
    out = renderSource("{% macro check(ms) %}{% for m in ms %}{% if m.role == 'assistant' %}"
                       "{{ raise_exception('Bad role at ' ~ loop.index0 ~ ': ' + m.role) }}"
                       "{% endif %}{% endfor %}{% endmacro %}ok {{ check(messages) }}");
    QVERIFY(!out.ok());
    QCOMPARE(out.error(), std::string("Bad role at 2: assistant"));
    out = renderSource("{{ raise_exception('Ünïcödé “quotes”') }}");
    QCOMPARE(out.error(), std::string("Ünïcödé “quotes”"));
}

void TestChatTemplate::unsupportedConstructsFailAtLoad_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("error");
    auto row = [](const char* source, const char* error) {
        QTest::newRow(source) << QString::fromUtf8(source) << QString::fromUtf8(error);
    };
    row("{{ x | xmlattr }}", "chat template line 1: the Jinja filter 'xmlattr' is not supported");
    row("a\nb\n{{ x | wordwrap(3) }}",
        "chat template line 3: the Jinja filter 'wordwrap' is not supported");
    row("{{ x is match('a') }}", "chat template line 1: the Jinja test 'match' is not supported");
    row("{{ messages | selectattr('role', 'match', 'u') | list }}",
        "the Jinja test 'match' is not supported");
    row("{{ messages | map('pprint') | list }}", "the Jinja filter 'pprint' is not supported");
    row("{% include 'other.jinja' %}",
        "the Jinja tag 'include' is not supported (a chat template cannot load other templates)");
    row("{% extends 'base.jinja' %}", "the Jinja tag 'extends' is not supported");
    row("{% import 'm.jinja' as m %}", "the Jinja tag 'import' is not supported");
    row("{% from 'm.jinja' import x %}", "the Jinja tag 'from' is not supported");
    row("{% block body %}{% endblock %}", "the Jinja tag 'block' is not supported");
    row("{% call m() %}x{% endcall %}", "the Jinja tag 'call' is not supported");
    row("{% macro m() %}{{ caller() }}{% endmacro %}",
        "caller() and {% call %} blocks are not supported");
    row("{% autoescape true %}{% endautoescape %}", "the Jinja tag 'autoescape' is not supported");
    row("{% do ns.update() %}", "the Jinja tag 'do' is not supported");
    row("{% for x in y recursive %}{{ loop(x) }}{% endfor %}",
        "recursive for loops are not supported");
    row("{{ [].append(1) }}", "the method '.append()' is not supported");
    row("{{ messages[0].update({}) }}", "the method '.update()' is not supported");
    row("{{ cycler('a', 'b') }}", "the function 'cycler()' is not supported");
    row("{{ lipsum() }}", "the function 'lipsum()' is not supported");
    row("{{ f(*args) }}", "argument unpacking (*args, **kwargs) is not supported");
    row("{{ '\\N{BULLET}' }}", "\\N{...} escapes in string literals are not supported");
    row("{% break %}", "'break' outside a for loop");
    row("{{ x[1:2, 3] }}", "subscripts with several slices are not supported");
    row("{% if true %}open",
        "unexpected end of template; Jinja was looking for 'elif', 'else' or 'endif'");
    row("{% endfor %}", "Encountered unknown tag 'endfor'");
    row("{{ 'unterminated }}", "unterminated string");
    row("{# never closed", "Missing end of comment tag");
}

void TestChatTemplate::unsupportedConstructsFailAtLoad() {
    QFETCH(QString, source);
    QFETCH(QString, error);
    const auto t = cl::ChatTemplate::parse(source.toStdString());
    QVERIFY2(!t.ok(), "loaded, but should be refused");
    QVERIFY2(QString::fromStdString(t.error()).startsWith("chat template line "),
             t.error().c_str());
    QVERIFY2(QString::fromStdString(t.error()).contains(error), t.error().c_str());
}

void TestChatTemplate::runtimeErrorsNameTheLine() {
    auto out = renderSource("line one\n{{ messages[0].content + 1 }}");
    QVERIFY(!out.ok());
    QCOMPARE(out.error(),
             std::string("chat template line 2: can only concatenate str (not \"int\") to str"));
    out = renderSource("{{ nope.attr }}");
    QCOMPARE(out.error(), std::string("chat template line 1: 'nope' is undefined"));
    out = renderSource("\n\n{{ messages[10].role }}");
    QCOMPARE(out.error(), std::string("chat template line 3: list object has no element 10"));
    out = renderSource("{% for m in messages %}\n{{ m.content.startswith(1) }}{% endfor %}");
    QVERIFY2(QString::fromStdString(out.error()).startsWith("chat template line 2: "),
             out.error().c_str());
}

void TestChatTemplate::sandboxBounds() {
    // Each bound is an error naming the bound, never a crash or a hang.
    auto contains = [](const cl::Result<std::string>& r, const char* what) {
        return !r.ok() && r.error().find(what) != std::string::npos;
    };
    QVERIFY(contains(renderSource("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
                     "macro calls are nested more than 100 deep"));
    QVERIFY(contains(renderSource("{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
                                  "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}"),
                     "output limit of 16777216 bytes"));
    QVERIFY(contains(renderSource("{{ 'x' * 100000000 }}"), "output limit"));
    QVERIFY(contains(renderSource("{% for i in range(100000) %}{% for j in range(100000) %}"
                                  "{% endfor %}{% endfor %}"),
                     "more than 10000000 loop iterations and macro calls"));
    QVERIFY(contains(renderSource("{{ range(1000000) | length }}"), "Range too big"));
    QVERIFY(contains(renderSource("{% set ns = namespace(x=[]) %}{% for i in range(5000) %}"
                                  "{% set ns.x = [ns.x] %}{% endfor %}"),
                     "nested more than 1000 levels"));
    QVERIFY(contains(renderSource("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}"),
                     "maximum recursion depth"));
    QVERIFY(contains(
        renderSource("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"),
        "nested too deeply"));
    std::string chain = "{{ 1";
    for (int i = 0; i < 100000; ++i) {
        chain += " + 1";
    }
    QVERIFY(contains(renderSource(chain + " }}"), "nested too deeply"));

    // Smaller limits from the caller.
    cl::ChatTemplateLimits limits;
    limits.maxOutputBytes = 1000;
    limits.maxIterations = 50;
    limits.maxCallDepth = 3;
    auto small = [&](const std::string& source) {
        auto t = cl::ChatTemplate::parse(source, limits);
        return t->render(ojson::array(), false);
    };
    QVERIFY(contains(small("{% for i in range(2000) %}x{% endfor %}"), "more than 50 loop"));
    QVERIFY(contains(small("{% for i in range(40) %}{{ 'y' * 30 }}{% endfor %}"),
                     "output limit of 1000 bytes"));
    QVERIFY(
        contains(small("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(0) }}"), "more than 3 deep"));
    QCOMPARE(*small("{% for i in range(40) %}{{ i % 10 }}{% endfor %}"),
             std::string("0123456789012345678901234567890123456789"));
}

void TestChatTemplate::noFileOrSystemAccess() {
    // No tag reads a file; Python internals are not reachable; the globals are the five of
    // transformers' environment and nothing else.
    for (const char* tag : {"{% include '/etc/passwd' %}", "{% import '/etc/hosts' as h %}",
                            "{% extends '/etc/passwd' %}"}) {
        QVERIFY(!cl::ChatTemplate::parse(tag).ok());
    }
    QCOMPARE(*renderSource("[{{ ''.__class__ }}][{{ messages.__class__ }}][{{ range.__globals__ }}]"
                           "[{{ os }}][{{ self }}][{{ config }}][{{ request }}]"),
             std::string("[][][][][][][]"));
    QVERIFY(!renderSource("{{ ''.__class__.__mro__ }}").ok()); // undefined has no attributes
    QCOMPARE(*renderSource("{{ strftime_now('%Y-%m-%d %A %H:%M') }}"),
             std::string("2024-07-26 Friday 12:00"));
    // Without a frozen clock strftime_now reads the local time.
    auto t = cl::ChatTemplate::parse("{{ strftime_now('%Y') }}");
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    QCOMPARE(*t->render(ojson::array(), false), std::to_string(1900 + local.tm_year));
}

void TestChatTemplate::tokenizerConfigChatTemplate() {
    QTemporaryDir dir;
    const QString config = dir.path() + "/tokenizer_config.json";
    writeBytes(config, R"({"chat_template": "{{ bos_token }}hi",
        "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
        "eos_token": "</s>"})");
    cl::TokenizerConfig c = cl::readTokenizerConfig(dir.path().toStdString());
    QCOMPARE(c.chatTemplate.value_or("-"), std::string("{{ bos_token }}hi"));
    QVERIFY(c.namedChatTemplates.empty());
    QCOMPARE(c.bosToken.value_or("-"), std::string("<s>"));
    QCOMPARE(c.eosToken.value_or("-"), std::string("</s>"));

    // HF's list form: "default" is the chat template; every entry is kept.
    writeBytes(config, R"({"chat_template": [{"name": "tool_use", "template": "T"},
                                             {"name": "default", "template": "D"}]})");
    c = cl::readTokenizerConfig(dir.path().toStdString());
    QCOMPARE(c.chatTemplate.value_or("-"), std::string("D"));
    QCOMPARE(c.namedChatTemplates.size(), size_t(2));
    QCOMPARE(c.namedChatTemplates[0].first, std::string("tool_use"));

    writeBytes(config, R"({"chat_template": [{"name": "rag", "template": "R"}]})");
    c = cl::readTokenizerConfig(dir.path().toStdString());
    QVERIFY(!c.chatTemplate);
    QCOMPARE(c.namedChatTemplates.size(), size_t(1));

    writeBytes(config, R"({"chat_template": 42, "eos_token": null})");
    c = cl::readTokenizerConfig(dir.path().toStdString());
    QVERIFY(!c.chatTemplate);
    QVERIFY(!c.eosToken);
}

void TestChatTemplate::fromTokenizerDir() {
    QTemporaryDir dir;
    const QString config = dir.path() + "/tokenizer_config.json";
    const std::string path = dir.path().toStdString();
    const ojson messages = ojson::parse(R"([{"role": "user", "content": "Hi"}])");

    writeBytes(
        config,
        R"({"chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}{{ unk_token is defined }}",
                           "bos_token": {"content": "<s>"}, "eos_token": "</s>"})");
    auto t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY2(t.ok(), t.error().c_str());
    QCOMPARE(*t->render(messages, false), std::string("<s>Hi</s>False"));
    // Variables passed to render win over the folder's.
    QCOMPARE(*t->render(messages, false, ojson{{"bos_token", "[B]"}}),
             std::string("[B]Hi</s>False"));

    writeBytes(
        config,
        R"({"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "rag", "template": "rag"}]})");
    t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY(!t.ok());
    QVERIFY2(QString::fromStdString(t.error()).contains("none named 'default'"), t.error().c_str());
    t = cl::ChatTemplate::fromTokenizerDir(path, "rag");
    QCOMPARE(t->source(), std::string("rag"));
    t = cl::ChatTemplate::fromTokenizerDir(path, "nope");
    QVERIFY2(QString::fromStdString(t.error()).contains(
                 "no chat template named 'nope' (it has: tool_use, rag)"),
             t.error().c_str());

    // Newer transformers save the template beside the config.
    writeBytes(config, R"({"eos_token": "</s>"})");
    writeBytes(dir.path() + "/chat_template.jinja", "{{ messages | length }}{{ eos_token }}\n");
    t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY2(t.ok(), t.error().c_str());
    QCOMPARE(*t->render(messages, true), std::string("1</s>"));
    QFile::remove(dir.path() + "/chat_template.jinja");
    t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY(!t.ok());
    QVERIFY2(
        QString::fromStdString(t.error()).contains("tokenizer_config.json has no chat_template"),
        t.error().c_str());

    writeBytes(config, R"({"chat_template": "{% for %}"})");
    t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY2(QString::fromStdString(t.error()).startsWith("chat template line 1: "),
             t.error().c_str());
    writeBytes(config, "{not json");
    t = cl::ChatTemplate::fromTokenizerDir(path);
    QVERIFY2(QString::fromStdString(t.error()).contains("is not valid JSON"), t.error().c_str());
    t = cl::ChatTemplate::fromTokenizerDir(path + "/missing");
    QVERIFY2(QString::fromStdString(t.error()).contains("is not a folder"), t.error().c_str());
}

void TestChatTemplate::keyOrderOfJsonTypes() {
    // json.dumps keeps insertion order: ordered_json does too, nlohmann::json sorts keys.
    auto t = cl::ChatTemplate::parse("{{ messages[0] | tojson }}");
    const char* text = R"([{"role": "user", "content": "x"}])";
    QCOMPARE(*t->render(ojson::parse(text), false),
             std::string(R"({"role": "user", "content": "x"})"));
    QCOMPARE(*t->render(nlohmann::json::parse(text), false, nlohmann::json::object()),
             std::string(R"({"content": "x", "role": "user"})"));
}

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
