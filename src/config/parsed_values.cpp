#include "config/parsed_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/byte_size.hpp"
#include "config/yaml_tree.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::config {
namespace {

using nlohmann::json;

// Hook names some Kratos generation accepts in one position or another; others get a warning
// (not an error) so that a configuration written for a newer Kratos still loads.
constexpr std::string_view kKnownHooks[] = {
    "session",     "web_hook", "revoke_active_sessions", "require_verified_address", "show_verification_ui",
    "verification"};

// Error texts quote values from the file, which may hold invalid UTF-8: dump() would throw.
std::string Show(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Quote(std::string_view s) { return Show(json(std::string(s))); }

std::string Describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string:
            return "string " + Show(v);
        case json::value_t::boolean:
            return "boolean " + Show(v);
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "number " + Show(v);
        case json::value_t::array:
            return "a list";
        case json::value_t::object:
            return "a map";
        default:
            return "null";
    }
}

std::string Expected(std::string_view what, const json& got) {
    return "expected " + std::string(what) + ", got " + Describe(got);
}

bool HasWhitespace(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string JoinChoices(const std::vector<std::string>& choices) {
    std::string out;
    for (const auto& c : choices) {
        if (!out.empty()) out += ", ";
        out += c;
    }
    return out;
}

// nullopt when `s` is acceptable; otherwise the problem.
std::optional<std::string> UrlProblem(std::string_view s, bool must_be_absolute,
                                      const std::vector<std::string>& schemes) {
    auto url = core::Url::Parse(s);
    if (!url || HasWhitespace(s) || s.empty()) return "invalid URL " + Quote(s);
    if (!must_be_absolute) return std::nullopt;
    if (!url->IsAbsolute()) return "expected an absolute URL, got " + Quote(s);
    if (!schemes.empty() && std::find(schemes.begin(), schemes.end(), url->scheme) == schemes.end())
        return "URL scheme must be one of " + JoinChoices(schemes) + ", got " + Quote(s);
    const bool needs_host =
        url->scheme == "http" || url->scheme == "https" || url->scheme == "smtp" || url->scheme == "smtps";
    if (needs_host && url->Hostname().empty()) return "URL has no host: " + Quote(s);
    return std::nullopt;
}

std::optional<bool> ParseGoBool(std::string_view s) {
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
    return std::nullopt;
}

std::optional<int64_t> ParseDecimal(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::optional<int64_t> AsInteger(const json& v) {
    if (v.is_number_unsigned()) {
        const uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18) return static_cast<int64_t>(d);
    }
    return std::nullopt;
}

class Walker {
  public:
    Walker(const EnvOrigins& origins, Warnings& warnings, std::map<std::string, Value, std::less<>>& values)
        : origins_(origins), warnings_(warnings), values_(values) {}

    core::Status WalkObject(const json& object, const std::string& prefix) {
        for (const auto& [key, value] : object.items()) {
            const std::string path = prefix.empty() ? key : prefix + "." + key;
            if (key.find('.') != std::string::npos || key.empty()) {
                Unknown(path);
                continue;
            }
            if (const KeySpec* spec = FindKey(path)) {
                if (value.is_null()) continue;  // `key:` with nothing after it means "unset"
                auto converted = Convert(*spec, value);
                if (!converted) return std::move(converted).error();
                values_.emplace(path, std::move(converted).value());
            } else if (IsKnownSection(path)) {
                if (value.is_null()) continue;
                if (!value.is_object()) return Fail(path, path, Expected("a map", value));
                BIA_TRY(WalkObject(value, path));
            } else {
                Unknown(path);
            }
        }
        return core::Status::Ok();
    }

  private:
    void Unknown(const std::string& path) {
        if (reported_.insert(path).second)
            warnings_.push_back("key " + path + " is not implemented by Bia and is ignored");
    }

    core::Error Fail(std::string_view spec_path, std::string_view item_path, const std::string& problem) const {
        std::string suffix;
        if (auto it = origins_.find(spec_path); it != origins_.end())
            suffix = " (from environment variable " + it->second + ")";
        return KeyError(item_path, problem + suffix);
    }

    core::Result<std::string> Text(const KeySpec& spec, const std::string& path, const json& v,
                                   std::string_view what = "a string") const {
        if (!v.is_string()) return Fail(spec.path, path, Expected(what, v));
        return v.get<std::string>();
    }

    core::Result<Value> Convert(const KeySpec& spec, const json& v) {
        const std::string& path = spec.path;
        switch (spec.kind) {
            case Kind::kString: {
                BIA_TRY_ASSIGN(std::string s, Text(spec, path, v));
                return Value(std::move(s));
            }
            case Kind::kEmail: {
                BIA_TRY_ASSIGN(std::string s, Text(spec, path, v));
                const size_t at = s.find('@');
                if (at == std::string::npos || at == 0 || at + 1 == s.size() || HasWhitespace(s) ||
                    s.find('@', at + 1) != std::string::npos)
                    return Fail(path, path, "invalid email address " + Quote(s));
                return Value(std::move(s));
            }
            case Kind::kBool:
                if (!v.is_boolean()) return Fail(path, path, Expected("a boolean", v));
                return Value(v.get<bool>());
            case Kind::kInt: {
                auto i = AsInteger(v);
                if (!i) return Fail(path, path, Expected("an integer", v));
                if (*i < spec.min || *i > spec.max) {
                    std::string range =
                        spec.max == std::numeric_limits<int64_t>::max() ||
                                spec.max == std::numeric_limits<int32_t>::max()
                            ? "at least " + std::to_string(spec.min)
                            : "between " + std::to_string(spec.min) + " and " + std::to_string(spec.max);
                    return Fail(path, path, "must be " + range + ", got " + std::to_string(*i));
                }
                return Value(*i);
            }
            case Kind::kDuration: {
                BIA_TRY_ASSIGN(std::string s, Text(spec, path, v, "a duration such as \"1h\""));
                auto d = core::ParseGoDuration(s);
                if (!d) return Fail(path, path, "invalid duration " + Quote(s));
                if (d->count() < 0) return Fail(path, path, "duration must not be negative, got " + Quote(s));
                return Value(*d);
            }
            case Kind::kUrl:
            case Kind::kUrlRef: {
                BIA_TRY_ASSIGN(std::string s, Text(spec, path, v, "a URL string"));
                if (auto problem = UrlProblem(s, spec.kind == Kind::kUrl, spec.schemes))
                    return Fail(path, path, *problem);
                return Value(std::move(s));
            }
            case Kind::kByteSize: {
                if (auto i = AsInteger(v)) {
                    if (*i < 0) return Fail(path, path, "byte size must not be negative");
                    return Value(ByteCount{static_cast<uint64_t>(*i)});
                }
                if (!v.is_string()) return Fail(path, path, Expected("a byte size such as \"128MB\"", v));
                auto b = ParseByteSize(v.get<std::string>());
                if (!b) return Fail(path, path, "invalid byte size " + Show(v) + " (expected e.g. \"128MB\")");
                return Value(ByteCount{*b});
            }
            case Kind::kEnum: {
                BIA_TRY_ASSIGN(std::string s, Text(spec, path, v));
                if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end())
                    return Fail(path, path,
                                "invalid value " + Quote(s) + " (expected one of: " + JoinChoices(spec.choices) + ")");
                return Value(std::move(s));
            }
            case Kind::kStringList:
            case Kind::kUrlList:
            case Kind::kUrlRefList: {
                if (!v.is_array()) return Fail(path, path, Expected("a list", v));
                std::vector<std::string> out;
                for (size_t i = 0; i < v.size(); ++i) {
                    const std::string item_path = path + "[" + std::to_string(i) + "]";
                    BIA_TRY_ASSIGN(std::string s, Text(spec, item_path, v[i]));
                    if (spec.kind == Kind::kStringList) {
                        if (s.size() < spec.min_length || s.size() > spec.max_length) {
                            const std::string need = spec.min_length == spec.max_length
                                                         ? "exactly " + std::to_string(spec.min_length)
                                                         : "at least " + std::to_string(spec.min_length);
                            return Fail(path, item_path,
                                        "must be " + need + " characters long, got " + std::to_string(s.size()));
                        }
                    } else if (auto problem = UrlProblem(s, spec.kind == Kind::kUrlList, spec.schemes)) {
                        return Fail(path, item_path, *problem);
                    }
                    out.push_back(std::move(s));
                }
                return Value(std::move(out));
            }
            case Kind::kStringMap: {
                if (!v.is_object()) return Fail(path, path, Expected("a map", v));
                std::map<std::string, std::string> out;
                for (const auto& [k, item] : v.items()) {
                    if (!item.is_string()) return Fail(path, path + "." + k, Expected("a string", item));
                    out.emplace(k, item.get<std::string>());
                }
                return Value(std::move(out));
            }
            case Kind::kHooks:
                return ConvertHooks(spec, v);
            case Kind::kIdentitySchemas:
                return ConvertSchemas(spec, v);
            case Kind::kJsonObject:
                if (!v.is_object()) return Fail(path, path, Expected("a map", v));
                return Value(v);
            case Kind::kJsonArray:
                if (!v.is_array()) return Fail(path, path, Expected("a list", v));
                return Value(v);
        }
        return Fail(path, path, "unsupported key kind");
    }

    core::Result<Value> ConvertHooks(const KeySpec& spec, const json& v) {
        if (!v.is_array()) return Fail(spec.path, spec.path, Expected("a list of hooks", v));
        std::vector<Hook> hooks;
        for (size_t i = 0; i < v.size(); ++i) {
            const std::string item = spec.path + "[" + std::to_string(i) + "]";
            const json& h = v[i];
            if (!h.is_object()) return Fail(spec.path, item, Expected("a map with a \"hook\" key", h));
            Hook hook;
            for (const auto& [k, field] : h.items()) {
                if (k == "hook") {
                    if (!field.is_string() || field.get<std::string>().empty())
                        return Fail(spec.path, item + ".hook", Expected("a hook name", field));
                    hook.name = field.get<std::string>();
                } else if (k == "config") {
                    if (!field.is_object() && !field.is_null())
                        return Fail(spec.path, item + ".config", Expected("a map", field));
                    hook.config = field;
                } else {
                    Unknown(item + "." + k);
                }
            }
            if (hook.name.empty()) return Fail(spec.path, item + ".hook", "required key is missing");
            if (std::find(std::begin(kKnownHooks), std::end(kKnownHooks), hook.name) == std::end(kKnownHooks))
                warnings_.push_back("hook " + Quote(hook.name) + " at " + item + " is not known to Bia");
            hooks.push_back(std::move(hook));
        }
        return Value(std::move(hooks));
    }

    core::Result<Value> ConvertSchemas(const KeySpec& spec, const json& v) {
        if (!v.is_array()) return Fail(spec.path, spec.path, Expected("a list of {id, url}", v));
        std::vector<IdentitySchema> schemas;
        for (size_t i = 0; i < v.size(); ++i) {
            const std::string item = spec.path + "[" + std::to_string(i) + "]";
            const json& s = v[i];
            if (!s.is_object()) return Fail(spec.path, item, Expected("a map with \"id\" and \"url\"", s));
            IdentitySchema schema;
            bool has_id = false, has_url = false;
            for (const auto& [k, field] : s.items()) {
                if (k == "id") {
                    if (!field.is_string() || field.get<std::string>().empty())
                        return Fail(spec.path, item + ".id", Expected("a non-empty string", field));
                    schema.id = field.get<std::string>();
                    has_id = true;
                } else if (k == "url") {
                    if (!field.is_string()) return Fail(spec.path, item + ".url", Expected("a URL string", field));
                    schema.url = field.get<std::string>();
                    if (auto problem = UrlProblem(schema.url, true, {}))
                        return Fail(spec.path, item + ".url", *problem);
                    has_url = true;
                } else if (k == "selfservice_selectable") {
                    if (!field.is_boolean()) return Fail(spec.path, item + "." + k, Expected("a boolean", field));
                    schema.selfservice_selectable = field.get<bool>();
                } else {
                    Unknown(item + "." + k);
                }
            }
            if (!has_id) return Fail(spec.path, item + ".id", "required key is missing");
            if (!has_url) return Fail(spec.path, item + ".url", "required key is missing");
            schemas.push_back(std::move(schema));
        }
        return Value(std::move(schemas));
    }

    const EnvOrigins& origins_;
    Warnings& warnings_;
    std::map<std::string, Value, std::less<>>& values_;
    std::set<std::string> reported_;
};

// The JSON a string from the environment stands for, given the key's kind.
core::Result<json> FromEnvString(const KeySpec& spec, const std::string& text) {
    const auto fail = [&](const std::string& problem) {
        return KeyError(spec.path, problem + " (from environment variable " + spec.env + ")");
    };
    switch (spec.kind) {
        case Kind::kBool: {
            auto b = ParseGoBool(text);
            if (!b) return fail("invalid boolean " + Quote(text));
            return json(*b);
        }
        case Kind::kInt: {
            auto i = ParseDecimal(text);
            if (!i) return fail("invalid integer " + Quote(text));
            return json(*i);
        }
        case Kind::kByteSize: {
            if (auto i = ParseDecimal(text)) return json(*i);
            return json(text);
        }
        case Kind::kStringList:
        case Kind::kUrlList:
        case Kind::kUrlRefList: {
            if (!text.empty() && text.front() == '[') {
                json parsed = json::parse(text, nullptr, false);
                if (!parsed.is_discarded() && parsed.is_array()) return parsed;
            }
            json out = json::array();
            size_t start = 0;
            while (true) {
                const size_t comma = text.find(',', start);
                out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
            return out;
        }
        case Kind::kStringMap:
        case Kind::kHooks:
        case Kind::kIdentitySchemas:
        case Kind::kJsonObject:
        case Kind::kJsonArray: {
            json parsed = json::parse(text, nullptr, false);
            if (parsed.is_discarded()) return fail("value is not valid JSON");
            return parsed;
        }
        default:
            return json(text);
    }
}

}  // namespace

core::Error KeyError(std::string_view path, std::string_view problem) {
    return core::Internal("config: " + std::string(path) + ": " + std::string(problem));
}

core::Status ApplyEnvironment(json& tree, const Environment& env, EnvOrigins& origins) {
    for (const KeySpec& spec : KnownKeys()) {
        auto it = env.find(spec.env);
        // An empty variable is treated as unset: shells and container runtimes commonly
        // export empty placeholders.
        if (it == env.end() || it->second.empty()) continue;
        BIA_TRY_ASSIGN(json value, FromEnvString(spec, it->second));
        SetAtPath(tree, spec.path, std::move(value));
        origins[spec.path] = spec.env;
    }
    return core::Status::Ok();
}

core::Result<ParsedValues> ParsedValues::FromTree(const json& tree, const EnvOrigins& origins, Warnings& warnings) {
    ParsedValues out;
    out.origins_ = origins;
    Walker walker(origins, warnings, out.values_);
    if (tree.is_object()) BIA_TRY(walker.WalkObject(tree, ""));
    return out;
}

std::vector<std::string> ParsedValues::UnreadPaths() const {
    std::vector<std::string> out;
    for (const auto& [path, value] : values_)
        if (read_.find(path) == read_.end()) out.push_back(path);
    return out;
}

std::string ParsedValues::OriginSuffix(std::string_view path) const {
    auto it = origins_.find(path);
    return it == origins_.end() ? std::string() : " (from environment variable " + it->second + ")";
}

}  // namespace bia::config
