#include "http/routes/body.hpp"

#include <algorithm>

namespace bia::http::routes {

using nlohmann::json;

namespace {
// Cheap pre-scan: nesting depth of brackets outside strings.
bool DepthWithin(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false, escape = false;
    for (char c : text) {
        if (in_string) {
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > limit) return false;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}
}  // namespace

core::Result<json> ParseJson(std::string_view text) {
    if (!DepthWithin(text, kMaxJsonDepth)) {
        return core::BadRequest("Unable to decode JSON payload: the document is nested too deeply.");
    }
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return core::BadRequest("Unable to decode JSON payload: the body is not valid JSON.");
    return j;
}

core::Result<json> DecodeJsonBody(const Request& request) {
    const std::string media = request.ContentMediaType();
    if (media != "application/json") {
        auto ct = request.Header("Content-Type");
        return core::BadRequest("Unable to decode body because HTTP Request Header \"Content-Type: " +
                                std::string(ct ? *ct : "") + "\" is unknown.");
    }
    if (request.body.empty()) {
        return core::BadRequest(
            "Unable to decode HTTP Request Body because its HTTP Header \"Content-Length\" is zero.");
    }
    return ParseJson(request.body);
}

core::Status RejectUnknownFields(const json& body, std::initializer_list<std::string_view> allowed) {
    if (!body.is_object()) return core::BadRequest("Unable to decode JSON payload: expected a JSON object.");
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
            return core::BadRequest("Unable to decode JSON payload: json: unknown field \"" + it.key() + "\"");
        }
    }
    return {};
}

}  // namespace bia::http::routes
