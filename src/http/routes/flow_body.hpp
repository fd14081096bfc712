// Self-service submission bodies (settings-flow.md §1.8): JSON (nested or with dotted keys),
// url-encoded and multipart forms decode to the same nested JSON object; form strings are coerced
// to the JSON type the identity schema expects at their `traits.*` path.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "http/message.hpp"
#include "schema/schema.hpp"

namespace bia::http::routes {

// `schema` types the traits (nullptr: everything stays a string). Errors are Kratos's 400s for an
// unknown content type, an empty body and undecodable JSON.
core::Result<nlohmann::json> DecodeFlowBody(const Request& request, const schema::Schema* schema);

}  // namespace bia::http::routes
