// Request body decoding shared by every route: JSON (strict or lenient), form-urlencoded and
// the Kratos error texts for bodies that cannot be decoded (settings-flow.md §1.8).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/message.hpp"

namespace bia::http::routes {

// Maximum nesting accepted in JSON bodies; deeper documents are rejected before parsing
// recursively (hostile input must not exhaust the stack).
inline constexpr int kMaxJsonDepth = 64;

// Parses a JSON request body. Requires a JSON content type (parameters allowed) and a non-empty
// body. Errors are 400 envelopes with Kratos's texts.
core::Result<nlohmann::json> DecodeJsonBody(const Request& request);
// Parses JSON text with the depth limit; never throws.
core::Result<nlohmann::json> ParseJson(std::string_view text);

// Rejects keys of `body` not listed in `allowed` (strict admin decoders).
core::Status RejectUnknownFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

}  // namespace bia::http::routes
