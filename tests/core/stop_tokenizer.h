#pragma once
// A test tokenizer for stop strings in beam search (tst_beam_search, tst_beam_trace).

#include "core/text/tokenizer.h"

#include <optional>
#include <string>
#include <vector>

namespace {

/// A tokenizer whose decoded text contains "STOP" as soon as any id is not a multiple of
/// `openEvery` (0: every id stops), so a stop string ends most candidates of a step.
class StopEverywhereTokenizer final : public cl::Tokenizer {
public:
    explicit StopEverywhereTokenizer(int32_t openEvery) : m_openEvery(openEvery) {}
    cl::Result<cl::Encoding> encode(const std::string&, bool) const override {
        return cl::Encoding{};
    }
    std::string decode(const std::vector<int32_t>& ids, bool) const override {
        std::string text;
        for (int32_t id : ids) {
            text += (m_openEvery > 0 && id % m_openEvery == 0) ? "o" : "STOP";
        }
        return text;
    }
    std::string idToPiece(int32_t) const override { return {}; }
    std::optional<int32_t> pieceToId(const std::string&) const override { return {}; }
    int32_t vocabSize() const override { return 1000; }
    const cl::SpecialTokens& special() const override { return m_special; }
    std::string kind() const override { return "test"; }
    std::string fingerprint() const override { return "test"; }
    void setSpecial(const cl::SpecialTokens& s) override { m_special = s; }

private:
    int32_t m_openEvery;
    cl::SpecialTokens m_special;
};

} // namespace
