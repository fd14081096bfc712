// Internals shared by the JSON Schema compiler, validator and message builders (json_schema_*.cpp):
// limits, G2 message ids, and helpers over JSON values, numbers and URIs. Not for other modules.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "schema/go_text.hpp"

namespace bia::schema::json_schema_detail {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

inline constexpr int kMaxSchemaDepth = 128;     // nesting of subschemas in a schema document
inline constexpr size_t kMaxFrames = 500;       // nested subschema evaluations during validation
inline constexpr size_t kMaxSteps = 2'000'000;  // subschema evaluations (+ uniqueItems comparisons)
inline constexpr size_t kMaxViolations = 1000;  // violations created, including discarded trials
inline constexpr size_t kMaxValueDepth = 300;   // recursion guard for value equality/hashing

// G2 message ids (messages.tsv).
inline constexpr int kIdGeneric = 4000001;
inline constexpr int kIdRequired = 4000002;
inline constexpr int kIdMinLength = 4000003;
inline constexpr int kIdInvalidFormat = 4000004;  // "does not match pattern"
inline constexpr int kIdMaxLength = 4000017;
inline constexpr int kIdMinimum = 4000018;
inline constexpr int kIdExclusiveMinimum = 4000019;
inline constexpr int kIdMaximum = 4000020;
inline constexpr int kIdExclusiveMaximum = 4000021;
inline constexpr int kIdMultipleOf = 4000022;
inline constexpr int kIdMaxItems = 4000023;
inline constexpr int kIdMinItems = 4000024;
inline constexpr int kIdUniqueItems = 4000025;
inline constexpr int kIdWrongType = 4000026;
inline constexpr int kIdConst = 4000029;
inline constexpr int kIdConstGeneric = 4000030;
inline constexpr int kIdEmail = 4000040;
inline constexpr int kIdPhone = 4000041;

inline constexpr std::string_view kExtensionKeyword = "ory.sh/kratos";

inline std::string EscapeToken(std::string_view token) {
    std::string out;
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

inline std::string Join(const std::string& location, std::string_view token) {
    return location + "/" + EscapeToken(token);
}

inline std::vector<std::string> SplitLocation(const std::string& location) {
    std::vector<std::string> tokens;
    if (location.size() <= 1) return tokens;
    size_t start = 2;  // after "#/"
    while (true) {
        const size_t slash = location.find('/', start);
        std::string raw = location.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::string token;
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size()) {
                token += raw[i + 1] == '1' ? '/' : '~';
                ++i;
            } else {
                token += raw[i];
            }
        }
        tokens.push_back(std::move(token));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return tokens;
}

inline std::string JsonType(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return "number";
        case Json::value_t::string:
            return "string";
        case Json::value_t::array:
            return "array";
        default:
            return "object";
    }
}

inline long double NumberValue(const Json& v) {
    if (v.is_number_unsigned()) return static_cast<long double>(v.get<uint64_t>());
    if (v.is_number_integer()) return static_cast<long double>(v.get<int64_t>());
    return static_cast<long double>(v.get<double>());
}

template <class J>
inline std::string NumberText(const J& v) {
    if (v.is_number_unsigned()) return std::to_string(v.template get<uint64_t>());
    if (v.is_number_integer()) return std::to_string(v.template get<int64_t>());
    return v.dump();
}

// A number for a G2 message context: Go marshals float64 1200 as 1200, so integral values
// become JSON integers.
inline Json JsonNumber(double d) {
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
    return d;
}

// Go's %#v of a JSON primitive as ory/jsonschema decodes it (numbers are json.Number strings).
template <class J>
inline std::string GoSharpV(const J& v) {
    if (v.is_string()) return GoQuote(v.template get_ref<const std::string&>());
    if (v.is_number()) return GoQuote(NumberText(v));
    if (v.is_boolean()) return v.template get<bool>() ? "true" : "false";
    return "<nil>";
}

inline Json ToPlain(const OrderedJson& v) {
    switch (v.type()) {
        case OrderedJson::value_t::object: {
            Json out = Json::object();
            for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = ToPlain(it.value());
            return out;
        }
        case OrderedJson::value_t::array: {
            Json out = Json::array();
            for (const auto& e : v) out.push_back(ToPlain(e));
            return out;
        }
        case OrderedJson::value_t::string:
            return v.get<std::string>();
        case OrderedJson::value_t::boolean:
            return v.get<bool>();
        case OrderedJson::value_t::number_integer:
            return v.get<int64_t>();
        case OrderedJson::value_t::number_unsigned:
            return v.get<uint64_t>();
        case OrderedJson::value_t::number_float:
            return v.get<double>();
        default:
            return nullptr;
    }
}

inline bool Equal(const Json& a, const Json& b, size_t depth = 0) {
    if (depth > kMaxValueDepth) return false;
    if (a.is_number() && b.is_number()) return NumberValue(a) == NumberValue(b);
    if (a.type() != b.type()) return false;
    switch (a.type()) {
        case Json::value_t::array: {
            if (a.size() != b.size()) return false;
            for (size_t i = 0; i < a.size(); ++i)
                if (!Equal(a[i], b[i], depth + 1)) return false;
            return true;
        }
        case Json::value_t::object: {
            if (a.size() != b.size()) return false;
            for (auto it = a.begin(); it != a.end(); ++it) {
                auto other = b.find(it.key());
                if (other == b.end() || !Equal(it.value(), *other, depth + 1)) return false;
            }
            return true;
        }
        default:
            return a == b;
    }
}

inline uint64_t Mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL; }

// Consistent with Equal: numbers hash by value (1 and 1.0 collide on purpose).
inline uint64_t Hash(const Json& v, size_t depth = 0) {
    if (depth > kMaxValueDepth) return 0;
    switch (v.type()) {
        case Json::value_t::null:
            return 1;
        case Json::value_t::boolean:
            return v.get<bool>() ? 2 : 3;
        case Json::value_t::string:
            return std::hash<std::string>{}(v.get_ref<const std::string&>());
        case Json::value_t::array: {
            uint64_t h = 4;
            for (const auto& e : v) h = Mix(h, Hash(e, depth + 1));
            return h;
        }
        case Json::value_t::object: {
            uint64_t h = 5;
            for (auto it = v.begin(); it != v.end(); ++it)
                h = Mix(Mix(h, std::hash<std::string>{}(it.key())), Hash(it.value(), depth + 1));
            return h;
        }
        default: {
            const long double x = NumberValue(v);
            if (x == 0) return 6;
            if (x == std::trunc(x) && std::fabs(x) < 9.0e18L)
                return Mix(7, static_cast<uint64_t>(static_cast<int64_t>(x)));
            return Mix(8, std::hash<double>{}(static_cast<double>(x)));
        }
    }
}

// RFC 3986 reference resolution, enough for $id/$ref inside one document.
inline std::string StripFragment(std::string_view uri) { return std::string(uri.substr(0, uri.find('#'))); }

inline bool HasScheme(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s) {
        if (c == ':') return true;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

inline std::string RemoveDotSegments(std::string_view path) {
    std::vector<std::string> out;
    size_t start = 0;
    const bool absolute = !path.empty() && path[0] == '/';
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const std::string seg(
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (seg == "..") {
            if (!out.empty()) out.pop_back();
        } else if (seg != ".") {
            out.push_back(seg);
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    std::string r;
    for (size_t i = 0; i < out.size(); ++i) {
        if (i > 0 || (absolute && !out[i].empty())) r += '/';
        r += out[i];
    }
    return r;
}

inline std::string ResolveUri(std::string_view base, std::string_view ref) {
    if (HasScheme(ref) || base.empty()) return std::string(ref);
    std::string b = StripFragment(base);
    if (ref.empty()) return b;
    if (ref[0] == '#') return b + std::string(ref);
    const size_t colon = b.find(':');
    const std::string scheme = b.substr(0, colon + 1);
    std::string rest = b.substr(colon + 1);
    std::string authority;
    if (rest.starts_with("//")) {
        const size_t slash = rest.find('/', 2);
        authority = rest.substr(0, slash);
        rest = slash == std::string::npos ? "" : rest.substr(slash);
    }
    rest = rest.substr(0, rest.find('?'));
    if (ref.starts_with("//")) return scheme + std::string(ref);
    if (ref[0] == '/') return scheme + authority + RemoveDotSegments(ref);
    std::string dir = rest.substr(0, rest.rfind('/') + 1);
    if (dir.empty() && !authority.empty()) dir = "/";
    return scheme + authority + RemoveDotSegments(dir + std::string(ref));
}

inline std::optional<std::string> PercentDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const std::string hex(s.substr(i + 1, 2));
        if (!std::isxdigit(static_cast<unsigned char>(hex[0])) || !std::isxdigit(static_cast<unsigned char>(hex[1])))
            return std::nullopt;
        out += static_cast<char>(std::stoi(hex, nullptr, 16));
        i += 2;
    }
    return out;
}

inline const char* const kSimpleTypes[] = {"array", "boolean", "integer", "null", "number", "object", "string"};

inline bool IsSimpleType(const std::string& t) {
    for (const char* s : kSimpleTypes)
        if (t == s) return true;
    return false;
}

// Keywords whose value is a subschema, a list of them or a map of them: walked when
// collecting $id and when compiling.
inline const char* const kSchemaKeywords[] = {
    "additionalItems", "additionalProperties", "contains", "else", "if", "not", "propertyNames", "then"};
inline const char* const kSchemaArrayKeywords[] = {"allOf", "anyOf", "oneOf"};
inline const char* const kSchemaMapKeywords[] = {"definitions", "$defs", "properties", "patternProperties"};

}  // namespace bia::schema::json_schema_detail
