// Alignment bookkeeping in the spirit of HF tokenizers' NormalizedString (normalizer.rs), kept
// per byte and simplified to what our normalizers need.

#include "core/text/normalized_text.h"

#include "core/text/regex_splitter.h"
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

std::pair<int64_t, int64_t> NormalizedText::coveredRange(size_t b, size_t e) const {
    if (m_identity) {
        return {m_start + int64_t(b), m_start + int64_t(e)};
    }
    if (e <= b) {
        const int64_t at = b < m_text.size() ? m_begin[b] : m_finish;
        return {at, at};
    }
    int64_t begin = m_begin[b];
    int64_t end = m_end[b];
    for (size_t i = b + 1; i < e; ++i) {
        begin = std::min(begin, m_begin[i]);
        end = std::max(end, m_end[i]);
    }
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
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t hit = m_text.find(from); hit != std::string::npos;
         hit = m_text.find(from, hit + from.size())) {
        ranges.emplace_back(hit, hit + from.size());
    }
    replaceRanges(ranges, to);
}

void NormalizedText::replaceRegex(const RegexSplitter& re, std::string_view to) {
    std::vector<std::pair<size_t, size_t>> ranges;
    for (const RegexSplitter::Piece& p : re.findMatches(m_text)) {
        if (p.isMatch) {
            ranges.emplace_back(p.begin, p.end);
        }
    }
    if (!ranges.empty()) {
        replaceRanges(ranges, to);
    }
}

void NormalizedText::replaceRanges(const std::vector<std::pair<size_t, size_t>>& ranges,
                                   std::string_view to) {
    materialize();
    std::string text;
    std::vector<int64_t> begins, ends;
    text.reserve(m_text.size());
    begins.reserve(m_text.size());
    ends.reserve(m_text.size());
    size_t pos = 0;
    for (const auto& [b, e] : ranges) {
        text.append(m_text, pos, b - pos);
        begins.insert(begins.end(), m_begin.begin() + pos, m_begin.begin() + b);
        ends.insert(ends.end(), m_end.begin() + pos, m_end.begin() + b);
        int64_t ob = 0, oe = 0;
        if (e > b) {
            ob = *std::min_element(m_begin.begin() + b, m_begin.begin() + e);
            oe = *std::max_element(m_end.begin() + b, m_end.begin() + e);
        } else {
            ob = oe = b < m_text.size() ? m_begin[b] : m_finish;
        }
        text.append(to);
        begins.insert(begins.end(), to.size(), ob);
        ends.insert(ends.end(), to.size(), oe);
        pos = e;
    }
    text.append(m_text, pos, std::string::npos);
    begins.insert(begins.end(), m_begin.begin() + pos, m_begin.end());
    ends.insert(ends.end(), m_end.begin() + pos, m_end.end());
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
        // Characters the cluster starts or ends with that normalization left alone keep their
        // own alignment ("é" + ZWJ: only the é changed); the changed middle stands for the
        // union of its sources.
        size_t pre = 0;
        while (pre < cluster.size() && pre < mapped.size()) {
            const size_t a = utf8::sequenceLength(cluster, pre);
            if (a == 0 || a != utf8::sequenceLength(mapped, pre) ||
                cluster.compare(pre, a, mapped, pre, a) != 0) {
                break;
            }
            pre += a;
        }
        size_t suf = 0; // bytes of common suffix
        while (suf + pre < cluster.size() && suf + pre < mapped.size()) {
            size_t a = 1; // length of the code point that ends suf bytes before the end
            while (a < 4 && a + suf < cluster.size() &&
                   (static_cast<unsigned char>(cluster[cluster.size() - suf - a]) & 0xC0) == 0x80) {
                ++a;
            }
            if (a + suf + pre > cluster.size() || a + suf + pre > mapped.size() ||
                cluster.compare(cluster.size() - suf - a, a, mapped, mapped.size() - suf - a, a) !=
                    0) {
                break;
            }
            suf += a;
        }
        const size_t midFrom = from + pre;
        const size_t midTo = to - suf;
        text.append(mapped);
        begins.insert(begins.end(), m_begin.begin() + from, m_begin.begin() + midFrom);
        ends.insert(ends.end(), m_end.begin() + from, m_end.begin() + midFrom);
        const size_t midMapped = mapped.size() - pre - suf;
        int64_t b = midFrom < m_begin.size() ? m_begin[std::min(midFrom, to - 1)] : m_finish;
        int64_t e = b;
        if (midTo > midFrom) {
            b = *std::min_element(m_begin.begin() + midFrom, m_begin.begin() + midTo);
            e = *std::max_element(m_end.begin() + midFrom, m_end.begin() + midTo);
        }
        begins.insert(begins.end(), midMapped, b);
        ends.insert(ends.end(), midMapped, e);
        begins.insert(begins.end(), m_begin.begin() + midTo, m_begin.begin() + to);
        ends.insert(ends.end(), m_end.begin() + midTo, m_end.begin() + to);
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
