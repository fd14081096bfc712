#include "http/routes/flow_body.hpp"

#include <charconv>

#include "http/routes/body.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

// Sets `value` at dotted `path` inside `out`, creating objects on the way. A path running
// through a non-object value keeps the value already there.
void SetPath(json& out, std::string_view path, json value, bool overwrite) {
    json* cur = &out;
    while (true) {
        const size_t dot = path.find('.');
        const std::string key(path.substr(0, dot));
        if (key.empty()) return;
        if (!cur->is_object()) return;
        if (dot == std::string_view::npos) {
            if (overwrite || !cur->contains(key)) (*cur)[key] = std::move(value);
            return;
        }
        json& next = (*cur)[key];
        if (next.is_null()) next = json::object();
        cur = &next;
        path.remove_prefix(dot + 1);
    }
}

// Coerces a form string to `type`; the raw string is kept when it does not parse, so schema
// validation reports the type error (§1.8).
json Coerce(const std::string& raw, const std::optional<std::string>& type) {
    if (!type) return raw;
    if (*type == "boolean") {
        if (raw == "true" || raw == "on" || raw == "1") return true;
        if (raw == "false" || raw == "off" || raw == "0") return false;
        return raw;
    }
    if (*type == "integer") {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
        if (ec == std::errc() && p == raw.data() + raw.size()) return v;
        return raw;
    }
    if (*type == "number") {
        json parsed = json::parse(raw, nullptr, false);
        if (parsed.is_number()) return parsed;
        return raw;
    }
    return raw;
}

// JSON bodies may spell nested keys with dots ({"traits.email": …}); both forms mean the same.
json ExpandDottedKeys(const json& in) {
    if (!in.is_object()) return in;
    json out = json::object();
    for (auto it = in.begin(); it != in.end(); ++it) {
        if (it.key().find('.') == std::string::npos) out[it.key()] = it.value();
    }
    for (auto it = in.begin(); it != in.end(); ++it) {
        if (it.key().find('.') != std::string::npos) SetPath(out, it.key(), it.value(), false);
    }
    return out;
}

// JSON numbers sent for string trait paths become strings (§1.8).
void StringifyNumbers(json& traits, const schema::Schema& schema, const std::string& prefix) {
    if (!traits.is_object()) return;
    for (auto it = traits.begin(); it != traits.end(); ++it) {
        const std::string path = prefix + "." + it.key();
        if (it->is_object()) {
            StringifyNumbers(*it, schema, path);
        } else if (it->is_number() && schema.TypeAt(path) == std::optional<std::string>("string")) {
            *it = it->dump();
        }
    }
}

}  // namespace

core::Result<json> DecodeFlowBody(const Request& r, const schema::Schema* schema) {
    const std::string media = r.ContentMediaType();
    if (media == "application/json") {
        BIA_TRY_ASSIGN(json body, DecodeJsonBody(r));
        if (!body.is_object()) return core::BadRequest("Unable to decode JSON payload: expected a JSON object.");
        body = ExpandDottedKeys(body);
        if (schema && body.contains("traits")) StringifyNumbers(body["traits"], *schema, "traits");
        return body;
    }
    if (media != "application/x-www-form-urlencoded") {
        auto ct = r.Header("Content-Type");
        return core::BadRequest("Unable to decode body because HTTP Request Header \"Content-Type: " +
                                std::string(ct ? *ct : "") + "\" is unknown.");
    }
    if (r.body.empty()) {
        return core::BadRequest("Unable to decode HTTP Request Body because its HTTP Header \"Content-Length\" is zero.");
    }
    const core::Query form = core::Query::Parse(r.body);
    json out = json::object();
    for (const auto& [key, raw] : form.items()) {
        std::optional<std::string> type;
        if (schema && key.rfind("traits.", 0) == 0) type = schema->TypeAt(key);
        if (raw.empty()) continue;  // empty values count as absent
        // Booleans take the last occurrence (checkbox + hidden input), everything else the first.
        SetPath(out, key, Coerce(raw, type), type == std::optional<std::string>("boolean"));
    }
    return out;
}

}  // namespace bia::http::routes
