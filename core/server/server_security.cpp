#include "core/server/server_security.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace cl::server {

bool isLoopbackHost(const std::string& host) {
    if (host == "localhost" || host == "::1" || host == "[::1]") {
        return true;
    }
    // 127.0.0.0/8 in dotted form: "127." then digits and dots only.
    if (host.rfind("127.", 0) != 0) {
        return false;
    }
    for (char c : host) {
        if (!(c == '.' || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> bindRefusal(const std::string& host, const std::string& token) {
    if (isLoopbackHost(host) || !token.empty()) {
        return std::nullopt;
    }
    return "refusing to listen on " + host +
           " without a token: pass --token T (or set CREDITLENS_TOKEN), or keep the default "
           "--host 127.0.0.1 and reach the server through an SSH tunnel";
}

bool bearerMatches(const std::string& header, const std::string& token) {
    const std::string expected = "Bearer " + token;
    // Constant time in the content: every byte position up to the longer length is compared and
    // the differences OR-ed together; the length difference is folded in as well.
    const std::size_t n = std::max(header.size(), expected.size());
    unsigned diff = header.size() == expected.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char a = i < header.size() ? static_cast<unsigned char>(header[i]) : 0;
        const unsigned char b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
        diff |= static_cast<unsigned>(a ^ b);
    }
    return diff == 0 && !token.empty();
}

bool isServedTokenizerFile(const std::string& name) {
    static const std::array<const char*, 5> kFiles = {"tokenizer.json", "tokenizer_config.json",
                                                      "tokenizer.model", "special_tokens_map.json",
                                                      "generation_config.json"};
    for (const char* f : kFiles) {
        if (name == f) {
            return true;
        }
    }
    return false;
}

} // namespace cl::server
