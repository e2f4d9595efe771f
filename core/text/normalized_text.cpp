// Alignment bookkeeping in the spirit of HF tokenizers' NormalizedString (normalizer.rs), kept
// per byte and simplified to what our normalizers need.

#include "core/text/normalized_text.h"

#include "core/text/utf8.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace cl {

namespace {

int formOptions(const std::string& form) {
    const int base = UTF8PROC_STABLE;
    if (form == "NFC") {
        return base | UTF8PROC_COMPOSE;
    }
    if (form == "NFD") {
        return base | UTF8PROC_DECOMPOSE;
    }
    if (form == "NFKC") {
        return base | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    }
    if (form == "NFKD") {
        return base | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    }
    throw std::invalid_argument("unknown Unicode normalization form '" + form + "'");
}

std::string mapForm(std::string_view text, int options) {
    if (text.empty()) {
        return {};
    }
    utf8proc_uint8_t* out = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                static_cast<utf8proc_ssize_t>(text.size()), &out,
                                static_cast<utf8proc_option_t>(options));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
    if (n < 0) {
        throw std::runtime_error(std::string("Unicode normalization failed: ") +
                                 utf8proc_errmsg(n));
    }
    return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

} // namespace

NormalizedText::NormalizedText(std::string_view original, int64_t offset)
    : m_text(original), m_start(offset), m_finish(offset + int64_t(original.size())) {}

void NormalizedText::materialize() {
    if (!m_identity) {
        return;
    }
    m_begin.resize(m_text.size());
    m_end.resize(m_text.size());
    for (size_t i = 0; i < m_text.size(); ++i) {
        m_begin[i] = m_start + int64_t(i);
        m_end[i] = m_begin[i] + 1;
    }
    m_identity = false;
}

std::pair<int64_t, int64_t> NormalizedText::originalRange(size_t b, size_t e) const {
    // cut(p): where a token boundary before normalized byte p falls in the original text. A
    // boundary inside a character moves to the character's start (the span rule).
    auto cut = [&](size_t p) {
        while (p > 0 && p < m_text.size() &&
               (static_cast<unsigned char>(m_text[p]) & 0xC0) == 0x80) {
            --p;
        }
        return p < m_text.size() ? beginAt(p) : m_finish;
    };
    const int64_t begin = cut(b);
    const int64_t end = e > b ? std::max(begin, cut(e)) : begin;
    return {begin, end};
}

NormalizedText NormalizedText::slice(size_t b, size_t e) const {
    NormalizedText out;
    out.m_text = m_text.substr(b, e - b);
    const auto range = originalRange(b, e);
    out.m_start = range.first;
    out.m_finish = e < m_text.size() ? range.second : m_finish;
    out.m_identity = m_identity;
    if (!m_identity) {
        out.m_begin.assign(m_begin.begin() + b, m_begin.begin() + e);
        out.m_end.assign(m_end.begin() + b, m_end.begin() + e);
    }
    return out;
}

void NormalizedText::prepend(std::string_view s) {
    if (s.empty()) {
        return;
    }
    materialize();
    m_text.insert(0, s);
    m_begin.insert(m_begin.begin(), s.size(), m_start);
    m_end.insert(m_end.begin(), s.size(), m_start);
}

void NormalizedText::replaceAll(std::string_view from, std::string_view to) {
    if (from.empty() || m_text.find(from) == std::string::npos) {
        return;
    }
    materialize();
    std::string text;
    std::vector<int64_t> begins, ends;
    size_t pos = 0;
    while (pos < m_text.size()) {
        if (m_text.compare(pos, from.size(), from) == 0) {
            const int64_t b = m_begin[pos];
            const int64_t e = m_end[pos + from.size() - 1];
            text.append(to);
            begins.insert(begins.end(), to.size(), b);
            ends.insert(ends.end(), to.size(), e);
            pos += from.size();
        } else {
            text.push_back(m_text[pos]);
            begins.push_back(m_begin[pos]);
            ends.push_back(m_end[pos]);
            ++pos;
        }
    }
    m_text = std::move(text);
    m_begin = std::move(begins);
    m_end = std::move(ends);
}

void NormalizedText::normalizeForm(const std::string& form) {
    const int options = formOptions(form);
    const bool ascii = std::all_of(m_text.begin(), m_text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
        return; // every form leaves ASCII alone
    }
    const std::string whole = mapForm(m_text, options);
    if (whole == m_text) {
        return;
    }
    // Normalize grapheme cluster by cluster so that a change stays attached to its cluster.
    materialize();
    std::string text;
    std::vector<int64_t> begins, ends;
    utf8proc_int32_t state = 0;
    size_t clusterStart = 0;
    char32_t prev = 0;
    auto flush = [&](size_t from, size_t to) {
        const std::string_view cluster(m_text.data() + from, to - from);
        const std::string mapped = mapForm(cluster, options);
        if (mapped == cluster) {
            text.append(cluster);
            begins.insert(begins.end(), m_begin.begin() + from, m_begin.begin() + to);
            ends.insert(ends.end(), m_end.begin() + from, m_end.begin() + to);
            return;
        }
        const int64_t b = *std::min_element(m_begin.begin() + from, m_begin.begin() + to);
        const int64_t e = *std::max_element(m_end.begin() + from, m_end.begin() + to);
        text.append(mapped);
        begins.insert(begins.end(), mapped.size(), b);
        ends.insert(ends.end(), mapped.size(), e);
    };
    size_t pos = 0;
    while (pos < m_text.size()) {
        size_t len = 1;
        const char32_t cp = utf8::decodeAt(m_text, pos, len);
        if (pos > 0 &&
            utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev),
                                             static_cast<utf8proc_int32_t>(cp), &state)) {
            flush(clusterStart, pos);
            clusterStart = pos;
        }
        prev = cp;
        pos += len;
    }
    flush(clusterStart, m_text.size());
    if (text != whole) {
        // A composition crossed a cluster boundary: attach the whole piece to everything.
        const int64_t b = m_begin.empty() ? m_start : m_begin.front();
        const int64_t e = m_end.empty() ? m_finish : m_end.back();
        text = whole;
        begins.assign(text.size(), b);
        ends.assign(text.size(), e);
    }
    m_text = std::move(text);
    m_begin = std::move(begins);
    m_end = std::move(ends);
}

} // namespace cl
