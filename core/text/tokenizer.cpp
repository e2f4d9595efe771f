// Tokenizer::load picks the implementation from what the path holds (issue #4 item 5).

#include "core/text/tokenizer.h"

#include "core/text/hf_tokenizer.h"
#include "core/text/spm_tokenizer.h"
#include "core/text/tokenizer_config.h"
#include "core/text/utf8.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cl {

namespace fs = std::filesystem;

Tokenizer::~Tokenizer() = default;

namespace {

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::invalid_argument("cannot read " + path.string());
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// A tokenizer.json starts with '{' (after whitespace); a .model is binary protobuf.
bool looksLikeJson(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char c = 0;
    while (in.get(c)) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            return c == '{';
        }
    }
    return false;
}

} // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::string& path) {
    return catchAll([&]() -> Result<std::unique_ptr<Tokenizer>> {
        const fs::path p(path);
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            return Error{"tokenizer path " + path + " does not exist"};
        }
        fs::path file;
        fs::path dir;
        if (fs::is_directory(p, ec)) {
            dir = p;
            if (fs::is_regular_file(p / "tokenizer.json", ec)) {
                file = p / "tokenizer.json";
            } else if (fs::is_regular_file(p / "tokenizer.model", ec)) {
                file = p / "tokenizer.model";
            } else {
                return Error{"the folder " + path +
                             " holds neither tokenizer.json nor tokenizer.model"};
            }
        } else {
            file = p;
            dir = p.parent_path();
        }
        const std::string ext = file.extension().string();
        const bool json = ext == ".json" || (ext != ".model" && looksLikeJson(file));
        const TokenizerConfig config = readTokenizerConfig(dir.string());

        std::unique_ptr<Tokenizer> tokenizer;
        if (json) {
            auto hf = HfTokenizer::fromJson(readAll(file), file.string());
            hf->setCleanUpTokenizationSpaces(config.cleanUpSpaces.value_or(false));
            tokenizer = std::move(hf);
        } else {
            auto spm = SpmTokenizer::loadFile(file.string());
            if (!spm) {
                return Error{spm.error()};
            }
            tokenizer = std::move(spm).value();
        }
        const Tokenizer& t = *tokenizer;
        tokenizer->setSpecial(resolveSpecialTokens(
            config, tokenizer->special(), [&](const std::string& s) { return t.pieceToId(s); }));
        return tokenizer;
    });
}

std::string Tokenizer::computeFingerprint(const Tokenizer& t) {
    // Two FNV-1a 64 streams with different offsets -> 128 bits, stable across runs and builds.
    uint64_t h1 = 1469598103934665603ULL;
    uint64_t h2 = 0x84222325cbf29ce4ULL;
    auto feed = [&](const std::string& s) {
        for (const char c : s) {
            h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
            h2 = (h2 ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
            h2 ^= h2 >> 29;
        }
        h1 = (h1 ^ 0xFFu) * 1099511628211ULL; // separator that no UTF-8 text contains
        h2 = (h2 ^ 0xFFu) * 0x100000001b3ULL;
    };
    const int32_t n = t.vocabSize();
    feed(std::to_string(n));
    for (int32_t id = 0; id < n; ++id) {
        feed(t.idToPiece(id));
    }
    const SpecialTokens& s = t.special();
    for (const auto& id : {s.bos, s.eos, s.pad, s.unk}) {
        feed(id ? std::to_string(*id) : "-");
    }
    char out[33];
    std::snprintf(out, sizeof(out), "%016llx%016llx", static_cast<unsigned long long>(h1),
                  static_cast<unsigned long long>(h2));
    return out;
}

int64_t utf8ByteToUtf16Index(const std::string& utf8, int64_t byteOffset) {
    const auto n = int64_t(utf8.size());
    int64_t end = std::clamp<int64_t>(byteOffset, 0, n);
    // Back up to the start of the character that holds `end`.
    while (end > 0 && end < n && (static_cast<unsigned char>(utf8[size_t(end)]) & 0xC0) == 0x80) {
        --end;
    }
    return utf8::utf16Length(std::string_view(utf8).substr(0, size_t(end)));
}

} // namespace cl
