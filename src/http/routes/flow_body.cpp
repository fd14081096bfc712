#include "http/routes/flow_body.hpp"

#include <cctype>
#include <charconv>

#include "core/encoding.hpp"
#include "http/routes/body.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

// Sets `value` at dotted `path` inside `out`, creating objects on the way. A path running
// through a non-object value keeps the value already there. A path nesting deeper than a JSON body
// may (kMaxJsonDepth) is ignored: a 20,000-level form key built a document whose copies recursed
// until the worker thread's stack overflowed (found by the hostile suite under ASan).
void SetPath(json& out, std::string_view path, json value, bool overwrite) {
    json* cur = &out;
    for (int depth = 1;; ++depth) {
        if (depth > kMaxJsonDepth) return;
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

// Form bytes are not necessarily UTF-8, but everything decoded here ends up in JSON that is
// stored and echoed (strict json::dump throws on invalid UTF-8: a 500 when a flow re-rendering the
// value is saved). Like Kratos, whose form decoder builds the body with Go's json.Marshal, invalid
// sequences become U+FFFD.
std::string ValidUtf8(std::string s) {
    if (core::IsValidUtf8(s)) return s;
    return json::parse(json(std::move(s)).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

// The boundary parameter of a multipart Content-Type ("" when absent).
std::string Boundary(std::string_view content_type) {
    size_t pos = 0;
    while ((pos = content_type.find(';', pos)) != std::string_view::npos) {
        ++pos;
        std::string_view param = content_type.substr(pos);
        while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
        if (param.size() < 9) continue;
        std::string key(param.substr(0, 9));
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key != "boundary=") continue;
        std::string_view v = param.substr(9);
        v = v.substr(0, v.find(';'));
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return std::string(v);
    }
    return {};
}

// The `name` of a part's Content-Disposition; nullopt for file uploads and malformed parts.
std::optional<std::string> PartName(std::string_view headers) {
    std::string lower(headers);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t cd = lower.find("content-disposition:");
    if (cd == std::string::npos) return std::nullopt;
    const size_t eol = lower.find("\r\n", cd);
    const std::string_view line =
        std::string_view(headers).substr(cd, eol == std::string::npos ? std::string::npos : eol - cd);
    const std::string_view lower_line = std::string_view(lower).substr(cd, line.size());
    if (lower_line.find("filename=") != std::string_view::npos) return std::nullopt;
    const size_t n = lower_line.find("name=\"");
    if (n == std::string_view::npos) return std::nullopt;
    const size_t start = n + 6;
    const size_t end = line.find('"', start);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(line.substr(start, end - start));
}

// multipart/form-data as (name, value) pairs in order; file parts are skipped.
core::Result<std::vector<std::pair<std::string, std::string>>> ParseMultipart(std::string_view body,
                                                                              const std::string& boundary) {
    if (boundary.empty()) return core::BadRequest("Unable to decode multipart body: the boundary is missing.");
    const std::string delimiter = "--" + boundary;
    std::vector<std::pair<std::string, std::string>> out;
    size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) return core::BadRequest("Unable to decode multipart body: no part found.");
    while (true) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") return out;  // closing delimiter
        if (body.substr(pos, 2) != "\r\n")
            return core::BadRequest("Unable to decode multipart body: malformed delimiter.");
        pos += 2;
        const size_t header_end = body.find("\r\n\r\n", pos);
        const size_t next = body.find("\r\n" + delimiter, pos);
        if (header_end == std::string_view::npos || next == std::string_view::npos || header_end > next) {
            return core::BadRequest("Unable to decode multipart body: truncated part.");
        }
        if (auto name = PartName(body.substr(pos, header_end - pos))) {
            out.emplace_back(std::move(*name), std::string(body.substr(header_end + 4, next - header_end - 4)));
        }
        pos = next + 2;
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
    const bool multipart = media == "multipart/form-data";
    if (media != "application/x-www-form-urlencoded" && !multipart) {
        auto ct = r.Header("Content-Type");
        return core::BadRequest("Unable to decode body because HTTP Request Header \"Content-Type: " +
                                std::string(ct ? *ct : "") + "\" is unknown.");
    }
    if (r.body.empty()) {
        return core::BadRequest(
            "Unable to decode HTTP Request Body because its HTTP Header \"Content-Length\" is zero.");
    }
    std::vector<std::pair<std::string, std::string>> fields;
    if (multipart) {
        BIA_TRY_ASSIGN(fields, ParseMultipart(r.body, Boundary(r.Header("Content-Type").value_or(""))));
    } else {
        fields = core::Query::Parse(r.body).items();
    }
    json out = json::object();
    for (auto& [key, raw] : fields) {
        key = ValidUtf8(std::move(key));
        raw = ValidUtf8(std::move(raw));
        std::optional<std::string> type;
        if (schema && key.rfind("traits.", 0) == 0) type = schema->TypeAt(key);
        if (raw.empty()) continue;  // empty values count as absent
        // Booleans take the last occurrence (checkbox + hidden input), everything else the first.
        SetPath(out, key, Coerce(raw, type), type == std::optional<std::string>("boolean"));
    }
    return out;
}

}  // namespace bia::http::routes
