#include "core/text/added_vocabulary.h"

#include "core/text/utf8.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstring>

namespace cl {

namespace {

bool isWhitespace(char32_t c) {
    // Unicode White_Space (what Rust's char::is_whitespace tests).
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

bool isAlphanumeric(char32_t c) {
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/// The code point that ends at byte `end` (exclusive) of valid UTF-8 text, and its start.
char32_t lastChar(std::string_view text, size_t end, size_t& start) {
    start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
        --start;
    }
    size_t len = 0;
    return utf8::decodeAt(text, start, len);
}

} // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens) : m_tokens(std::move(tokens)) {
    for (size_t i = 0; i < m_tokens.size(); ++i) {
        const AddedToken& t = m_tokens[i];
        m_byId[t.id] = i;
        m_byContent[t.content] = t.id;
        if (!t.content.empty()) {
            const auto first = static_cast<unsigned char>(t.content[0]);
            m_byFirstByte[t.normalized ? 1 : 0][first].push_back(i);
        }
    }
    for (auto& pass : m_byFirstByte) {
        for (auto& list : pass) {
            std::stable_sort(list.begin(), list.end(), [&](size_t a, size_t b) {
                return m_tokens[a].content.size() > m_tokens[b].content.size();
            });
        }
    }
}

std::vector<AddedSplit> AddedVocabulary::split(std::string_view text, bool normalizedPass) const {
    std::vector<AddedSplit> out;
    const auto& table = m_byFirstByte[normalizedPass ? 1 : 0];
    size_t plainStart = 0; // start of the pending plain piece
    size_t pos = 0;
    while (pos < text.size()) {
        const auto& candidates = table[static_cast<unsigned char>(text[pos])];
        const AddedToken* found = nullptr;
        for (const size_t index : candidates) {
            const std::string& c = m_tokens[index].content;
            if (c.size() <= text.size() - pos &&
                std::memcmp(text.data() + pos, c.data(), c.size()) == 0) {
                found = &m_tokens[index];
                break; // longest first
            }
        }
        if (found == nullptr) {
            ++pos;
            continue;
        }
        size_t start = pos;
        size_t stop = pos + found->content.size();
        if (found->singleWord) {
            size_t dummy = 0;
            const bool wordBefore = start > 0 && isAlphanumeric(lastChar(text, start, dummy));
            size_t len = 0;
            const bool wordAfter =
                stop < text.size() && isAlphanumeric(utf8::decodeAt(text, stop, len));
            if (wordBefore || wordAfter) {
                pos = stop; // HF's automaton consumes the rejected match as well
                continue;
            }
        }
        if (found->lstrip) {
            while (start > plainStart) {
                size_t prev = 0;
                if (!isWhitespace(lastChar(text, start, prev))) {
                    break;
                }
                start = prev;
            }
        }
        if (found->rstrip) {
            while (stop < text.size()) {
                size_t len = 0;
                if (!isWhitespace(utf8::decodeAt(text, stop, len))) {
                    break;
                }
                stop += len;
            }
        }
        if (start > plainStart) {
            out.push_back({plainStart, start, -1});
        }
        out.push_back({start, stop, found->id});
        plainStart = stop;
        pos = stop;
    }
    if (plainStart < text.size()) {
        out.push_back({plainStart, text.size(), -1});
    }
    return out;
}

const AddedToken* AddedVocabulary::byId(int32_t id) const {
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : &m_tokens[it->second];
}

std::optional<int32_t> AddedVocabulary::idOf(const std::string& content) const {
    const auto it = m_byContent.find(content);
    if (it == m_byContent.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool AddedVocabulary::isSpecial(int32_t id) const {
    const AddedToken* t = byId(id);
    return t != nullptr && t->special;
}

} // namespace cl
