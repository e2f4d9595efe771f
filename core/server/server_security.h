#pragma once
// The scoring server's security rules (issue #16 item 4), free of any HTTP type so they are
// tested directly: which bind addresses need a token, how a bearer token is compared, which
// tokenizer files a client may fetch.

#include <optional>
#include <string>

namespace cl::server {

/// Whether host is a loopback address: "127.0.0.0/8", "::1" or "localhost".
bool isLoopbackHost(const std::string& host);

/// The sentence refusing to start when host is not loopback and token is empty; nullopt when
/// the pair is acceptable.
std::optional<std::string> bindRefusal(const std::string& host, const std::string& token);

/// Compares an Authorization header value with "Bearer <token>" in time independent of where
/// the two first differ (every byte of the longer one is read).
bool bearerMatches(const std::string& header, const std::string& token);

/// Whether name is one of the tokenizer files the server hands out (tokenizer.json,
/// tokenizer_config.json, tokenizer.model, special_tokens_map.json, generation_config.json).
/// Exact names only: no folder, no "..", no other file of the model folder.
bool isServedTokenizerFile(const std::string& name);

} // namespace cl::server
