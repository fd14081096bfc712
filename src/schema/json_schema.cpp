#include "schema/json_schema.hpp"

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "core/encoding.hpp"
#include "schema/go_text.hpp"

namespace bia::schema {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

constexpr int kMaxSchemaDepth = 128;     // nesting of subschemas in a schema document
constexpr size_t kMaxFrames = 500;       // nested subschema evaluations during validation
constexpr size_t kMaxSteps = 2'000'000;  // subschema evaluations (+ uniqueItems comparisons)
constexpr size_t kMaxViolations = 1000;  // violations created, including discarded trials
constexpr size_t kMaxValueDepth = 300;   // recursion guard for value equality/hashing

// G2 message ids (messages.tsv).
constexpr int kIdGeneric = 4000001;
constexpr int kIdRequired = 4000002;
constexpr int kIdMinLength = 4000003;
constexpr int kIdInvalidFormat = 4000004;  // "does not match pattern"
constexpr int kIdMaxLength = 4000017;
constexpr int kIdMinimum = 4000018;
constexpr int kIdExclusiveMinimum = 4000019;
constexpr int kIdMaximum = 4000020;
constexpr int kIdExclusiveMaximum = 4000021;
constexpr int kIdMultipleOf = 4000022;
constexpr int kIdMaxItems = 4000023;
constexpr int kIdMinItems = 4000024;
constexpr int kIdUniqueItems = 4000025;
constexpr int kIdWrongType = 4000026;
constexpr int kIdConst = 4000029;
constexpr int kIdConstGeneric = 4000030;
constexpr int kIdEmail = 4000040;
constexpr int kIdPhone = 4000041;

constexpr std::string_view kExtensionKeyword = "ory.sh/kratos";

std::string EscapeToken(std::string_view token) {
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

std::string Join(const std::string& location, std::string_view token) { return location + "/" + EscapeToken(token); }

std::vector<std::string> SplitLocation(const std::string& location) {
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

std::string JsonType(const Json& v) {
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

long double NumberValue(const Json& v) {
    if (v.is_number_unsigned()) return static_cast<long double>(v.get<uint64_t>());
    if (v.is_number_integer()) return static_cast<long double>(v.get<int64_t>());
    return static_cast<long double>(v.get<double>());
}

template <class J>
std::string NumberText(const J& v) {
    if (v.is_number_unsigned()) return std::to_string(v.template get<uint64_t>());
    if (v.is_number_integer()) return std::to_string(v.template get<int64_t>());
    return v.dump();
}

// A number for a G2 message context: Go marshals float64 1200 as 1200, so integral values
// become JSON integers.
Json JsonNumber(double d) {
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
    return d;
}

// Go's %#v of a JSON primitive as ory/jsonschema decodes it (numbers are json.Number strings).
template <class J>
std::string GoSharpV(const J& v) {
    if (v.is_string()) return GoQuote(v.template get_ref<const std::string&>());
    if (v.is_number()) return GoQuote(NumberText(v));
    if (v.is_boolean()) return v.template get<bool>() ? "true" : "false";
    return "<nil>";
}

Json ToPlain(const OrderedJson& v) {
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

bool Equal(const Json& a, const Json& b, size_t depth = 0) {
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

uint64_t Mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL; }

// Consistent with Equal: numbers hash by value (1 and 1.0 collide on purpose).
uint64_t Hash(const Json& v, size_t depth = 0) {
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
std::string StripFragment(std::string_view uri) { return std::string(uri.substr(0, uri.find('#'))); }

bool HasScheme(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s) {
        if (c == ':') return true;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

std::string RemoveDotSegments(std::string_view path) {
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

std::string ResolveUri(std::string_view base, std::string_view ref) {
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

std::optional<std::string> PercentDecode(std::string_view s) {
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

const char* const kSimpleTypes[] = {"array", "boolean", "integer", "null", "number", "object", "string"};

bool IsSimpleType(const std::string& t) {
    for (const char* s : kSimpleTypes)
        if (t == s) return true;
    return false;
}

// Keywords whose value is a subschema, a list of them or a map of them: walked when
// collecting $id and when compiling.
const char* const kSchemaKeywords[] = {
    "additionalItems", "additionalProperties", "contains", "else", "if", "not", "propertyNames", "then"};
const char* const kSchemaArrayKeywords[] = {"allOf", "anyOf", "oneOf"};
const char* const kSchemaMapKeywords[] = {"definitions", "$defs", "properties", "patternProperties"};

}  // namespace

// Compiles a schema document into CompiledSchema::nodes_, one node per schema location,
// resolving $ref after the walk (so references may point forward or at enclosing schemas).
class SchemaCompiler {
  public:
    explicit SchemaCompiler(const OrderedJson& doc) : doc_(doc), out_(std::make_shared<CompiledSchema>()) {}

    core::Result<std::shared_ptr<const CompiledSchema>> Run() {
        root_base_ = "urn:bia:identity-schema";
        if (doc_.is_object()) {
            if (auto it = doc_.find("$id"); it != doc_.end() && it->is_string())
                root_base_ = StripFragment(ResolveUri(root_base_, it->get<std::string>()));
        }
        ids_[root_base_] = "#";
        CollectIds(doc_, "#", root_base_, 0);
        if (Failed()) return Error();
        Compile(doc_, "#", root_base_, 0);
        if (Failed()) return Error();
        // Resolve references; compiling a target may add nodes with references of their own.
        for (size_t i = 0; i < out_->nodes_.size(); ++i) {
            SchemaNode& n = out_->nodes_[i];
            if (n.ref_location.empty()) continue;
            const std::string target = n.ref_location;
            const std::string from = n.location;
            int index = -1;
            if (auto it = index_.find(target); it != index_.end()) {
                index = it->second;
            } else {
                const OrderedJson* j = At(target);
                if (j == nullptr) {
                    Fail(from, "$ref target " + GoQuote(target) + " does not exist");
                    return Error();
                }
                index = Compile(*j, target, BaseAt(target), static_cast<int>(SplitLocation(target).size()));
                if (Failed()) return Error();
            }
            out_->nodes_[i].ref = index;
        }
        return std::shared_ptr<const CompiledSchema>(std::move(out_));
    }

  private:
    bool Failed() const { return !error_.empty(); }
    core::Error Error() const { return core::BadRequest(error_); }
    bool Fail(const std::string& location, const std::string& message) {
        if (error_.empty()) error_ = message + " (at " + location + ")";
        return false;
    }

    const OrderedJson* At(const std::string& location) const {
        const OrderedJson* j = &doc_;
        for (const std::string& token : SplitLocation(location)) {
            if (j->is_object()) {
                auto it = j->find(token);
                if (it == j->end()) return nullptr;
                j = &*it;
            } else if (j->is_array()) {
                if (token.empty() || token.size() > 9 || token.find_first_not_of("0123456789") != std::string::npos)
                    return nullptr;
                const size_t idx = std::stoul(token);
                if (idx >= j->size()) return nullptr;
                j = &(*j)[idx];
            } else {
                return nullptr;
            }
        }
        return j;
    }

    std::string BaseAt(const std::string& location) const {
        std::string base = root_base_;
        const OrderedJson* j = &doc_;
        for (const std::string& token : SplitLocation(location)) {
            if (j->is_object()) {
                auto it = j->find(token);
                if (it == j->end()) break;
                j = &*it;
            } else if (j->is_array() && token.find_first_not_of("0123456789") == std::string::npos && !token.empty() &&
                       token.size() < 10 && std::stoul(token) < j->size()) {
                j = &(*j)[std::stoul(token)];
            } else {
                break;
            }
            if (j->is_object())
                if (auto id = j->find("$id");
                    id != j->end() && id->is_string() && !id->get<std::string>().starts_with("#"))
                    base = StripFragment(ResolveUri(base, id->get<std::string>()));
        }
        return base;
    }

    template <class Fn>
    void ForEachSubschema(const OrderedJson& j, const std::string& location, Fn&& fn) {
        for (const char* key : kSchemaKeywords)
            if (auto it = j.find(key); it != j.end()) fn(*it, Join(location, key));
        for (const char* key : kSchemaArrayKeywords)
            if (auto it = j.find(key); it != j.end() && it->is_array())
                for (size_t i = 0; i < it->size(); ++i) fn((*it)[i], Join(Join(location, key), std::to_string(i)));
        for (const char* key : kSchemaMapKeywords)
            if (auto it = j.find(key); it != j.end() && it->is_object())
                for (auto e = it->begin(); e != it->end(); ++e) fn(e.value(), Join(Join(location, key), e.key()));
        if (auto it = j.find("items"); it != j.end()) {
            if (it->is_array()) {
                for (size_t i = 0; i < it->size(); ++i) fn((*it)[i], Join(Join(location, "items"), std::to_string(i)));
            } else {
                fn(*it, Join(location, "items"));
            }
        }
        if (auto it = j.find("dependencies"); it != j.end() && it->is_object())
            for (auto e = it->begin(); e != it->end(); ++e)
                if (!e.value().is_array()) fn(e.value(), Join(Join(location, "dependencies"), e.key()));
    }

    void CollectIds(const OrderedJson& j, const std::string& location, std::string base, int depth) {
        if (Failed() || !j.is_object()) return;
        if (depth > kMaxSchemaDepth) {
            Fail(location, "the schema is nested more than " + std::to_string(kMaxSchemaDepth) + " levels deep");
            return;
        }
        if (auto it = j.find("$id"); it != j.end() && it->is_string()) {
            const std::string id = it->get<std::string>();
            if (id.starts_with("#")) {
                anchors_[StripFragment(base) + id] = location;
            } else {
                base = StripFragment(ResolveUri(base, id));
                ids_.emplace(base, location);
                const size_t hash = id.find('#');
                if (hash != std::string::npos && hash + 1 < id.size()) anchors_[base + id.substr(hash)] = location;
            }
        }
        ForEachSubschema(j, location, [&](const OrderedJson& sub, const std::string& sub_location) {
            CollectIds(sub, sub_location, base, depth + 1);
        });
    }

    std::optional<std::string> ResolveRef(const std::string& base, const std::string& ref) const {
        const std::string absolute = ResolveUri(base, ref);
        const size_t hash = absolute.find('#');
        const std::string document = absolute.substr(0, hash);
        const std::string fragment = hash == std::string::npos ? "" : absolute.substr(hash + 1);
        auto doc = ids_.find(document);
        if (doc == ids_.end()) return std::nullopt;
        if (fragment.empty()) return doc->second;
        const auto decoded = PercentDecode(fragment);
        if (!decoded) return std::nullopt;
        if ((*decoded)[0] != '/') {
            auto anchor = anchors_.find(document + "#" + *decoded);
            if (anchor == anchors_.end()) return std::nullopt;
            return anchor->second;
        }
        // A JSON pointer: re-encode its tokens canonically below the identified schema.
        std::string location = doc->second;
        size_t start = 1;
        while (true) {
            const size_t slash = decoded->find('/', start);
            const std::string raw =
                decoded->substr(start, slash == std::string::npos ? std::string::npos : slash - start);
            std::string token;
            for (size_t i = 0; i < raw.size(); ++i) {
                if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                    token += raw[i + 1] == '1' ? '/' : '~';
                    ++i;
                } else {
                    token += raw[i];
                }
            }
            location = Join(location, token);
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        return location;
    }

    bool NonNegativeInteger(const OrderedJson& j, const std::string& location, const char* key, int64_t& out) {
        auto it = j.find(key);
        if (it == j.end()) return true;
        if (it->is_number_unsigned()) {
            out = static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX));
            return true;
        }
        if (it->is_number_integer() && it->get<int64_t>() >= 0) {
            out = it->get<int64_t>();
            return true;
        }
        return Fail(location, GoQuote(key) + " must be a non-negative integer");
    }

    bool Number(const OrderedJson& j, const std::string& location, const char* key, std::optional<SchemaNumber>& out) {
        auto it = j.find(key);
        if (it == j.end()) return true;
        if (!it->is_number()) return Fail(location, GoQuote(key) + " must be a number");
        SchemaNumber n;
        if (it->is_number_unsigned())
            n.value = static_cast<long double>(it->get<uint64_t>());
        else if (it->is_number_integer())
            n.value = static_cast<long double>(it->get<int64_t>());
        else
            n.value = static_cast<long double>(it->get<double>());
        n.display = static_cast<double>(n.value);
        out = n;
        return true;
    }

    bool StringArray(const OrderedJson& v, const std::string& location, const char* what,
                     std::vector<std::string>& out) {
        if (!v.is_array()) return Fail(location, std::string(what) + " must be an array of strings");
        std::set<std::string> seen;
        for (const auto& e : v) {
            if (!e.is_string()) return Fail(location, std::string(what) + " must be an array of strings");
            if (!seen.insert(e.get<std::string>()).second)
                return Fail(location, std::string(what) + " must not repeat " + GoQuote(e.get<std::string>()));
            out.push_back(e.get<std::string>());
        }
        return true;
    }

    bool Extension(const OrderedJson& e, const std::string& location, ExtensionConfig& cfg) {
        const std::string at = Join(location, kExtensionKeyword);
        auto object = [&](const OrderedJson& v, const std::string& path) {
            return v.is_object() || Fail(at, path + " must be an object");
        };
        // Each leaf object allows exactly the listed keys, as Kratos's extension meta-schema does.
        auto leaf = [&](const OrderedJson& v, const std::string& path,
                        std::initializer_list<std::pair<const char*, bool*>> bools,
                        std::initializer_list<std::pair<const char*, std::string*>> enums,
                        std::initializer_list<const char*> allowed_values) {
            if (!object(v, path)) return false;
            for (auto it = v.begin(); it != v.end(); ++it) {
                bool known = false;
                for (const auto& [name, target] : bools) {
                    if (it.key() != name) continue;
                    known = true;
                    if (!it.value().is_boolean()) return Fail(at, path + "." + name + " must be a boolean");
                    *target = it.value().get<bool>();
                }
                for (const auto& [name, target] : enums) {
                    if (it.key() != name) continue;
                    known = true;
                    bool ok = it.value().is_string();
                    if (ok) {
                        ok = false;
                        for (const char* a : allowed_values) ok = ok || it.value().get<std::string>() == a;
                    }
                    if (!ok) {
                        std::string list;
                        for (const char* a : allowed_values) list += (list.empty() ? "" : ", ") + GoQuote(a);
                        return Fail(at, path + "." + name + " must be one of " + list);
                    }
                    *target = it.value().get<std::string>();
                }
                if (!known) return Fail(at, path + " does not allow the property " + GoQuote(it.key()));
            }
            return true;
        };
        if (!object(e, std::string(kExtensionKeyword))) return false;
        std::string organizations_matcher;
        for (auto it = e.begin(); it != e.end(); ++it) {
            const std::string& key = it.key();
            const OrderedJson& v = it.value();
            if (key == "credentials") {
                if (!object(v, "credentials")) return false;
                for (auto c = v.begin(); c != v.end(); ++c) {
                    const std::string path = "credentials." + c.key();
                    bool ok = true;
                    if (c.key() == "password")
                        ok = leaf(c.value(), path, {{"identifier", &cfg.password_identifier}}, {}, {});
                    else if (c.key() == "webauthn")
                        ok = leaf(c.value(), path, {{"identifier", &cfg.webauthn_identifier}}, {}, {});
                    else if (c.key() == "passkey")
                        ok = leaf(c.value(), path, {{"display_name", &cfg.passkey_display_name}}, {}, {});
                    else if (c.key() == "totp")
                        ok = leaf(c.value(), path, {{"account_name", &cfg.totp_account_name}}, {}, {});
                    else if (c.key() == "code")
                        ok = leaf(c.value(), path, {{"identifier", &cfg.code_identifier}}, {{"via", &cfg.code_via}},
                                  {"email", "sms"});
                    else
                        return Fail(at, "credentials does not allow the property " + GoQuote(c.key()));
                    if (!ok) return false;
                }
            } else if (key == "verification") {
                if (!leaf(v, key, {}, {{"via", &cfg.verification_via}}, {"email", "sms"})) return false;
            } else if (key == "recovery") {
                if (!leaf(v, key, {}, {{"via", &cfg.recovery_via}}, {"email", "sms"})) return false;
            } else if (key == "organizations") {
                if (!leaf(v, key, {}, {{"matcher", &organizations_matcher}}, {"email_domain"})) return false;
            } else {
                return Fail(at, std::string(kExtensionKeyword) + " does not allow the property " + GoQuote(key));
            }
        }
        // Kratos fails every validation of such a schema ("channel type \"\" must be one of
        // email, sms"); refusing it at load time says the same thing once.
        if (cfg.code_identifier && cfg.code_via.empty())
            return Fail(at, "credentials.code.via must be set when credentials.code.identifier is true");
        return true;
    }

    int Child(const OrderedJson& j, const std::string& location, const char* key, const std::string& base, int depth) {
        auto it = j.find(key);
        if (it == j.end()) return -1;
        return Compile(*it, Join(location, key), base, depth + 1);
    }

    bool SchemaArray(const OrderedJson& j, const std::string& location, const char* key, const std::string& base,
                     int depth, std::vector<int>& out) {
        auto it = j.find(key);
        if (it == j.end()) return true;
        if (!it->is_array() || it->empty())
            return Fail(location, GoQuote(key) + " must be a non-empty array of schemas");
        for (size_t i = 0; i < it->size(); ++i) {
            out.push_back(Compile((*it)[i], Join(Join(location, key), std::to_string(i)), base, depth + 1));
            if (Failed()) return false;
        }
        return true;
    }

    bool StringKeyword(const OrderedJson& j, const std::string& location, const char* key) {
        auto it = j.find(key);
        return it == j.end() || it->is_string() || Fail(location, GoQuote(key) + " must be a string");
    }

    int Compile(const OrderedJson& j, const std::string& location, std::string base, int depth) {
        if (Failed()) return -1;
        if (auto it = index_.find(location); it != index_.end()) return it->second;
        if (depth > kMaxSchemaDepth) {
            Fail(location, "the schema is nested more than " + std::to_string(kMaxSchemaDepth) + " levels deep");
            return -1;
        }
        if (!j.is_object() && !j.is_boolean()) {
            Fail(location, "a schema must be an object or a boolean");
            return -1;
        }
        const int index = static_cast<int>(out_->nodes_.size());
        out_->nodes_.emplace_back();
        index_[location] = index;
        SchemaNode n;
        n.location = location;
        if (j.is_boolean()) {
            n.always = j.get<bool>();
            out_->nodes_[static_cast<size_t>(index)] = std::move(n);
            return index;
        }
        if (!Fill(j, location, base, depth, n)) return -1;
        out_->nodes_[static_cast<size_t>(index)] = std::move(n);
        return index;
    }

    bool Fill(const OrderedJson& j, const std::string& location, std::string& base, int depth, SchemaNode& n) {
        for (const char* key : {"$id", "$schema", "$comment", "title", "description", "format", "pattern",
                                "contentEncoding", "contentMediaType"})
            if (!StringKeyword(j, location, key)) return false;
        if (auto it = j.find("$id"); it != j.end() && !it->get<std::string>().starts_with("#"))
            base = StripFragment(ResolveUri(base, it->get<std::string>()));
        if (auto it = j.find("$ref"); it != j.end()) {
            if (!it->is_string()) return Fail(location, "\"$ref\" must be a string");
            auto target = ResolveRef(base, it->get<std::string>());
            if (!target)
                return Fail(location, "$ref " + GoQuote(it->get<std::string>()) +
                                          " cannot be resolved (only references into the same document are supported)");
            n.ref_location = *target;
        }
        for (const char* key : {"definitions", "$defs"}) {
            auto it = j.find(key);
            if (it == j.end()) continue;
            if (!it->is_object()) return Fail(location, GoQuote(key) + " must be an object");
            for (auto d = it->begin(); d != it->end(); ++d) {
                Compile(d.value(), Join(Join(location, key), d.key()), base, depth + 1);
                if (Failed()) return false;
            }
        }

        if (auto it = j.find("type"); it != j.end()) {
            std::vector<std::string> types;
            if (it->is_string()) {
                types.push_back(it->get<std::string>());
            } else if (it->is_array() && !it->empty()) {
                if (!StringArray(*it, location, "\"type\"", types)) return false;
            } else {
                return Fail(location, "\"type\" must be a type name or a non-empty array of them");
            }
            for (const auto& t : types)
                if (!IsSimpleType(t)) return Fail(location, "\"type\" has the unknown type " + GoQuote(t));
            n.types = std::move(types);
        }
        if (auto it = j.find("enum"); it != j.end()) {
            if (!it->is_array()) return Fail(location, "\"enum\" must be an array");
            bool primitives = true;
            for (const auto& e : *it) {
                n.enumeration.push_back(ToPlain(e));
                primitives = primitives && !e.is_object() && !e.is_array();
            }
            n.enum_error = "enum failed";
            if (primitives && it->size() == 1) {
                n.enum_error = "value must be " + GoSharpV((*it)[0]);
            } else if (primitives && !it->empty()) {
                std::string list;
                for (const auto& e : *it) list += (list.empty() ? "" : ", ") + GoSharpV(e);
                n.enum_error = "value must be one of " + list;
            }
        }
        if (auto it = j.find("const"); it != j.end()) n.constant = ToPlain(*it);
        if (auto it = j.find("format"); it != j.end()) {
            n.format = it->get<std::string>();
            n.format_check = FindFormat(*n.format);
        }
        if (auto it = j.find("title"); it != j.end()) n.title = it->get<std::string>();
        n.has_default = j.contains("default");

        n.not_schema = Child(j, location, "not", base, depth);
        if (!SchemaArray(j, location, "allOf", base, depth, n.all_of) ||
            !SchemaArray(j, location, "anyOf", base, depth, n.any_of) ||
            !SchemaArray(j, location, "oneOf", base, depth, n.one_of))
            return false;
        const int if_schema = Child(j, location, "if", base, depth);
        n.then_schema = Child(j, location, "then", base, depth);
        n.else_schema = Child(j, location, "else", base, depth);
        // Like ory/jsonschema, `if` only matters with a `then` or an `else`.
        if (n.then_schema >= 0 || n.else_schema >= 0) n.if_schema = if_schema;
        if (Failed()) return false;

        if (!NonNegativeInteger(j, location, "minProperties", n.min_properties) ||
            !NonNegativeInteger(j, location, "maxProperties", n.max_properties) ||
            !NonNegativeInteger(j, location, "minItems", n.min_items) ||
            !NonNegativeInteger(j, location, "maxItems", n.max_items) ||
            !NonNegativeInteger(j, location, "minLength", n.min_length) ||
            !NonNegativeInteger(j, location, "maxLength", n.max_length))
            return false;
        if (auto it = j.find("required"); it != j.end() && !StringArray(*it, location, "\"required\"", n.required))
            return false;
        if (auto it = j.find("properties"); it != j.end()) {
            if (!it->is_object()) return Fail(location, "\"properties\" must be an object");
            for (auto p = it->begin(); p != it->end(); ++p) {
                n.properties.emplace_back(
                    p.key(), Compile(p.value(), Join(Join(location, "properties"), p.key()), base, depth + 1));
                if (Failed()) return false;
            }
        }
        n.property_names = Child(j, location, "propertyNames", base, depth);
        if (auto it = j.find("patternProperties"); it != j.end()) {
            if (!it->is_object()) return Fail(location, "\"patternProperties\" must be an object");
            for (auto p = it->begin(); p != it->end(); ++p) {
                auto regex = Regex::Compile(p.key());
                if (!regex)
                    return Fail(location, "\"patternProperties\" key " + GoQuote(p.key()) +
                                              " is not a valid regex: " + regex.error().reason);
                const int s = Compile(p.value(), Join(Join(location, "patternProperties"), p.key()), base, depth + 1);
                if (Failed()) return false;
                n.pattern_properties.push_back(PatternProperty{std::move(regex).value(), s});
            }
        }
        if (auto it = j.find("additionalProperties"); it != j.end()) {
            if (it->is_boolean())
                n.additional_forbidden = !it->get<bool>();
            else
                n.additional_properties = Compile(*it, Join(location, "additionalProperties"), base, depth + 1);
        }
        if (auto it = j.find("dependencies"); it != j.end()) {
            if (!it->is_object()) return Fail(location, "\"dependencies\" must be an object");
            for (auto d = it->begin(); d != it->end(); ++d) {
                Dependency dep;
                dep.property = d.key();
                if (d.value().is_array()) {
                    if (!StringArray(d.value(), location, "\"dependencies\"", dep.required)) return false;
                } else {
                    dep.schema = Compile(d.value(), Join(Join(location, "dependencies"), d.key()), base, depth + 1);
                }
                n.dependencies.push_back(std::move(dep));
            }
        }
        if (auto it = j.find("uniqueItems"); it != j.end()) {
            if (!it->is_boolean()) return Fail(location, "\"uniqueItems\" must be a boolean");
            n.unique_items = it->get<bool>();
        }
        if (auto it = j.find("items"); it != j.end()) {
            if (it->is_array()) {
                if (!SchemaArray(j, location, "items", base, depth, n.items_tuple.emplace())) return false;
                if (auto add = j.find("additionalItems"); add != j.end()) {
                    if (add->is_boolean())
                        n.additional_items_forbidden = !add->get<bool>();
                    else
                        n.additional_items = Compile(*add, Join(location, "additionalItems"), base, depth + 1);
                }
            } else {
                n.items = Compile(*it, Join(location, "items"), base, depth + 1);
            }
        } else if (auto add = j.find("additionalItems"); add != j.end() && !add->is_boolean()) {
            Compile(*add, Join(location, "additionalItems"), base, depth + 1);  // checked, unused
        }
        n.contains = Child(j, location, "contains", base, depth);
        if (Failed()) return false;
        if (auto it = j.find("pattern"); it != j.end()) {
            auto regex = Regex::Compile(it->get<std::string>());
            if (!regex) return Fail(location, "\"pattern\" is not a valid regex: " + regex.error().reason);
            n.pattern = std::move(regex).value();
        }
        if (auto it = j.find("contentEncoding"); it != j.end()) n.content_encoding = it->get<std::string>();
        if (auto it = j.find("contentMediaType"); it != j.end()) n.content_media_type = it->get<std::string>();
        if (!Number(j, location, "minimum", n.minimum) || !Number(j, location, "maximum", n.maximum) ||
            !Number(j, location, "exclusiveMinimum", n.exclusive_minimum) ||
            !Number(j, location, "exclusiveMaximum", n.exclusive_maximum) ||
            !Number(j, location, "multipleOf", n.multiple_of))
            return false;
        if (n.multiple_of && !(n.multiple_of->value > 0))
            return Fail(location, "\"multipleOf\" must be greater than 0");
        if (auto it = j.find("examples"); it != j.end() && !it->is_array())
            return Fail(location, "\"examples\" must be an array");
        for (const char* key : {"readOnly", "writeOnly"})
            if (auto it = j.find(key); it != j.end() && !it->is_boolean())
                return Fail(location, GoQuote(key) + " must be a boolean");
        if (auto it = j.find(kExtensionKeyword); it != j.end()) {
            ExtensionConfig cfg;
            if (!Extension(*it, location, cfg)) return false;
            cfg.format = n.format;
            n.extension = std::move(cfg);
        }
        return !Failed();
    }

    const OrderedJson& doc_;
    std::shared_ptr<CompiledSchema> out_;
    std::map<std::string, int> index_;
    std::map<std::string, std::string> ids_;      // absolute $id without fragment → location
    std::map<std::string, std::string> anchors_;  // absolute id + "#name" → location
    std::string root_base_;
    std::string error_;
};

core::Result<std::shared_ptr<const CompiledSchema>> CompiledSchema::Compile(const nlohmann::ordered_json& document) {
    return SchemaCompiler(document).Run();
}

std::string GoQuoteValue(const nlohmann::json& v) {
    switch (v.type()) {
        case Json::value_t::string:
            return GoQuote(v.get_ref<const std::string&>());
        case Json::value_t::boolean:
            return v.get<bool>() ? "%!q(bool=true)" : "%!q(bool=false)";
        case Json::value_t::null:
            return "%!q(<nil>)";
        case Json::value_t::array: {
            std::string out = "[";
            for (size_t i = 0; i < v.size() && i < 100; ++i) out += (i ? " " : "") + GoQuoteValue(v[i]);
            return out + "]";
        }
        case Json::value_t::object: {
            std::string out = "map[";
            size_t i = 0;
            for (auto it = v.begin(); it != v.end() && i < 100; ++it, ++i)
                out += (i ? " " : "") + GoQuote(it.key()) + ":" + GoQuoteValue(it.value());
            return out + "]";
        }
        default:
            return GoQuote(NumberText(v));
    }
}

Violation MakeGenericViolation(std::string field, std::string pointer, std::string keyword, std::string message) {
    Violation v;
    v.field = std::move(field);
    v.pointer = std::move(pointer);
    v.keyword = std::move(keyword);
    v.message = std::move(message);
    v.message_id = kIdGeneric;
    v.context = {{"reason", v.message}};
    v.text = v.message;
    return v;
}

Violation MakeFormatViolation(std::string field, std::string pointer, const nlohmann::json& value,
                              std::string_view format) {
    Violation v = MakeGenericViolation(std::move(field), std::move(pointer), "format",
                                       GoQuoteValue(value) + " is not valid " + GoQuote(format));
    // Kratos (v26) recognises `"<value>" is not valid "<format>"` with a regular expression
    // that stops at the first quote inside the value, and maps email and tel to their own ids.
    const std::string& m = v.message;
    for (size_t i = m.find('"'); i != std::string::npos; i = m.find('"', i + 1)) {
        const size_t close = m.find('"', i + 1);
        if (close == std::string::npos || close == i + 1) continue;
        size_t k = close + 1;
        auto spaces = [&] {
            const size_t s = k;
            while (k < m.size() && (m[k] == ' ' || m[k] == '\t' || m[k] == '\n' || m[k] == '\f' || m[k] == '\r')) ++k;
            return k > s;
        };
        if (!spaces() || m.compare(k, 12, "is not valid") != 0) continue;
        k += 12;
        if (!spaces() || k >= m.size() || m[k] != '"') continue;
        const size_t fclose = m.find('"', k + 1);
        if (fclose == std::string::npos || fclose == k + 1) continue;
        const std::string quoted_value = m.substr(i + 1, close - i - 1);
        const std::string found_format = m.substr(k + 1, fclose - k - 1);
        if (found_format == "email" || found_format == "email_loose") {
            v.message_id = kIdEmail;
            v.text = "Enter a valid email address";
            v.context = {{"value", quoted_value}};
        } else if (found_format == "tel") {
            v.message_id = kIdPhone;
            v.text = "Enter a valid phone number";
            v.context = {{"value", quoted_value}};
        }
        break;
    }
    return v;
}

namespace {

// Walks an instance with the compiled schema. Trial evaluations (anyOf, oneOf, not, if,
// contains) validate into scratch lists that are kept or dropped as the keyword decides.
class Validator {
  public:
    Validator(const std::vector<SchemaNode>& nodes, std::vector<ExtensionHit>* hits) : nodes_(nodes), hits_(hits) {}

    std::vector<Violation> Run(const Json& instance) {
        std::vector<Violation> out;
        Validate(0, instance, out);
        if (aborted_) {
            out.push_back(MakeGenericViolation("", "", "",
                                               "The document is too complex to validate against the identity schema."));
        }
        return out;
    }

  private:
    std::string Pointer() const {
        std::string p;
        for (const auto& t : path_) p += "/" + EscapeToken(t);
        return ToValidUtf8(p);
    }
    // Kratos's JSONPointerToDotNotation: dots inside names are escaped.
    std::string Field() const {
        std::string f;
        for (const auto& t : path_) {
            if (!f.empty()) f += '.';
            for (char c : t) {
                if (c == '.') f += '\\';
                f += c;
            }
        }
        return ToValidUtf8(f);
    }

    Violation At(std::string keyword, std::string message, int id, Json context, std::string text) const {
        Violation v;
        v.field = Field();
        v.pointer = Pointer();
        v.keyword = std::move(keyword);
        v.message = std::move(message);
        v.message_id = id;
        v.context = std::move(context);
        v.text = std::move(text);
        return v;
    }
    Violation Generic(std::string keyword, std::string message) const {
        return MakeGenericViolation(Field(), Pointer(), std::move(keyword), std::move(message));
    }

    void Add(std::vector<Violation>& out, Violation v) {
        if (++created_ > kMaxViolations) {
            aborted_ = true;
            return;
        }
        out.push_back(std::move(v));
    }

    size_t HitMark() const { return hits_ ? hits_->size() : 0; }
    void DropHits(size_t mark) {
        if (hits_ && hits_->size() > mark) hits_->resize(mark);
    }
    static void MoveAll(std::vector<Violation>& from, std::vector<Violation>& to) {
        for (auto& v : from) to.push_back(std::move(v));
        from.clear();
    }

    bool Validate(int index, const Json& v, std::vector<Violation>& out) {
        if (aborted_) return false;
        if (++steps_ > kMaxSteps) {
            aborted_ = true;
            return false;
        }
        const size_t before = out.size();
        if (depth_ >= kMaxFrames) {
            Add(out, Generic("", "The identity schema nests more than " + std::to_string(kMaxFrames) +
                                     " levels deep for this document."));
            return false;
        }
        const auto key = std::make_pair(index, static_cast<const void*>(&v));
        if (!active_.insert(key).second) {
            // Go would recurse until its stack is exhausted; we report the cycle instead.
            Add(out, Generic("$ref", "The identity schema refers to itself without consuming any input."));
            return false;
        }
        ++depth_;
        Check(nodes_[static_cast<size_t>(index)], v, out);
        --depth_;
        active_.erase(key);
        return out.size() == before && !aborted_;
    }

    void Check(const SchemaNode& n, const Json& v, std::vector<Violation>& out) {
        if (n.always) {
            if (!*n.always) Add(out, Generic("", "always fail"));
            return;
        }
        if (n.ref >= 0) {
            Validate(n.ref, v, out);  // sibling keywords are ignored next to $ref
            return;
        }
        if (!n.types.empty()) {
            const std::string actual = JsonType(v);
            bool matched = false;
            for (const auto& t : n.types) matched = matched || t == actual || (t == "integer" && v.is_number_integer());
            if (!matched) {
                std::string allowed;
                for (const auto& t : n.types) allowed += (allowed.empty() ? "" : " or ") + t;
                const std::string msg = "expected " + allowed + ", but got " + actual;
                Add(out, At("type", msg, kIdWrongType, {{"allowed_types", n.types}, {"actual_type", actual}}, msg));
                return;  // nothing else is checked, and no extension runs, on a type mismatch
            }
        }
        if (n.constant && !Equal(v, *n.constant)) {
            if (n.constant->is_object() || n.constant->is_array()) {
                Add(out, At("const", "const failed", kIdConstGeneric, nullptr, "const failed"));
            } else {
                const std::string expected = GoSharpV(*n.constant);
                Add(out, At("const", "value must be " + expected, kIdConst, {{"expected", expected}},
                            "must be equal to constant " + expected));
            }
        }
        if (!n.enumeration.empty()) {
            bool matched = false;
            for (const auto& e : n.enumeration) matched = matched || Equal(v, e);
            if (!matched) Add(out, Generic("enum", n.enum_error));
        }
        if (n.format_check && !n.format_check(v)) Add(out, MakeFormatViolation(Field(), Pointer(), v, *n.format));
        if (n.not_schema >= 0) {
            std::vector<Violation> scratch;
            const size_t mark = HitMark();
            const bool ok = Validate(n.not_schema, v, scratch);
            DropHits(mark);
            if (ok) Add(out, Generic("not", "not failed"));
        }
        for (int s : n.all_of) Validate(s, v, out);
        if (!n.any_of.empty()) {
            std::vector<Violation> causes;
            bool matched = false;
            for (int s : n.any_of) {
                std::vector<Violation> branch;
                const size_t mark = HitMark();
                if (Validate(s, v, branch)) {
                    matched = true;
                    break;
                }
                DropHits(mark);
                MoveAll(branch, causes);
            }
            if (!matched) MoveAll(causes, out);
        }
        if (!n.one_of.empty()) {
            std::vector<Violation> causes;
            int matched = -1;
            for (size_t i = 0; i < n.one_of.size(); ++i) {
                std::vector<Violation> branch;
                const size_t mark = HitMark();
                if (Validate(n.one_of[i], v, branch)) {
                    if (matched < 0) {
                        matched = static_cast<int>(i);
                        continue;
                    }
                    DropHits(mark);
                    Add(out, Generic("oneOf", "valid against schemas at indexes " + std::to_string(matched) + " and " +
                                                  std::to_string(i)));
                    break;
                }
                DropHits(mark);
                MoveAll(branch, causes);
            }
            if (matched < 0) MoveAll(causes, out);
        }
        if (n.if_schema >= 0) {
            std::vector<Violation> scratch;
            const size_t mark = HitMark();
            if (Validate(n.if_schema, v, scratch)) {
                if (n.then_schema >= 0) Validate(n.then_schema, v, out);
            } else {
                DropHits(mark);
                if (n.else_schema >= 0) Validate(n.else_schema, v, out);
            }
        }
        if (v.is_object())
            CheckObject(n, v, out);
        else if (v.is_array())
            CheckArray(n, v, out);
        else if (v.is_string())
            CheckString(n, v.get_ref<const std::string&>(), out);
        else if (v.is_number())
            CheckNumber(n, v, out);
        if (n.extension && hits_) hits_->push_back(ExtensionHit{&*n.extension, &v, Pointer(), Field()});
    }

    bool Declared(const SchemaNode& n, const std::string& key) const {
        for (const auto& [name, s] : n.properties)
            if (name == key) return true;
        for (const auto& pp : n.pattern_properties)
            if (pp.regex.Search(key)) return true;
        return false;
    }

    void Descend(const std::string& token, int schema, const Json& value, std::vector<Violation>& out) {
        path_.push_back(token);
        Validate(schema, value, out);
        path_.pop_back();
    }

    void CheckObject(const SchemaNode& n, const Json& v, std::vector<Violation>& out) {
        const auto size = static_cast<int64_t>(v.size());
        if (n.min_properties >= 0 && size < n.min_properties)
            Add(out,
                Generic("minProperties", "minimum " + std::to_string(n.min_properties) +
                                             " properties allowed, but found " + std::to_string(size) + " properties"));
        if (n.max_properties >= 0 && size > n.max_properties)
            Add(out,
                Generic("maxProperties", "maximum " + std::to_string(n.max_properties) +
                                             " properties allowed, but found " + std::to_string(size) + " properties"));
        for (const auto& name : n.required) {
            if (v.contains(name)) continue;
            // Kratos names the property by the last segment of the (escaped) JSON pointer and
            // puts the message on the missing property's own field.
            const std::string property = GoPathEscape(EscapeToken(name));
            path_.push_back(name);
            const std::string msg = "Property " + property + " is missing.";
            Add(out, At("required", msg, kIdRequired, {{"property", property}}, msg));
            path_.pop_back();
        }
        for (const auto& [name, schema] : n.properties) {
            auto it = v.find(name);
            if (it != v.end()) Descend(name, schema, *it, out);
        }
        if (n.property_names >= 0) {
            auto* saved = hits_;
            hits_ = nullptr;  // the names are temporaries; extensions never apply to them
            for (auto it = v.begin(); it != v.end(); ++it) {
                const Json name = it.key();
                Descend(it.key(), n.property_names, name, out);
            }
            hits_ = saved;
        }
        for (const auto& pp : n.pattern_properties)
            for (auto it = v.begin(); it != v.end(); ++it)
                if (pp.regex.Search(it.key())) Descend(it.key(), pp.schema, it.value(), out);
        if (n.additional_forbidden || n.additional_properties >= 0) {
            std::string names;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (Declared(n, it.key())) continue;
                if (n.additional_forbidden)
                    names += (names.empty() ? "" : ", ") + GoQuote(it.key());
                else
                    Descend(it.key(), n.additional_properties, it.value(), out);
            }
            if (!names.empty())
                Add(out, Generic("additionalProperties", "additionalProperties " + names + " not allowed"));
        }
        for (const auto& d : n.dependencies) {
            if (!v.contains(d.property)) continue;
            if (d.schema >= 0) {
                Validate(d.schema, v, out);
                continue;
            }
            for (const auto& r : d.required)
                if (!v.contains(r))
                    Add(out, Generic("dependencies", "property " + GoQuote(r) + " is required, if " +
                                                         GoQuote(d.property) + " property exists"));
        }
    }

    void CheckArray(const SchemaNode& n, const Json& v, std::vector<Violation>& out) {
        const auto size = static_cast<int64_t>(v.size());
        if (n.min_items >= 0 && size < n.min_items) {
            const std::string msg = "minimum " + std::to_string(n.min_items) + " items allowed, but found " +
                                    std::to_string(size) + " items";
            Add(out, At("minItems", msg, kIdMinItems, {{"min_items", n.min_items}, {"actual_items", size}}, msg));
        }
        if (n.max_items >= 0 && size > n.max_items) {
            const std::string msg = "maximum " + std::to_string(n.max_items) + " items allowed, but found " +
                                    std::to_string(size) + " items";
            Add(out, At("maxItems", msg, kIdMaxItems, {{"max_items", n.max_items}, {"actual_items", size}}, msg));
        }
        if (n.unique_items) {
            // Equal pairs (j < i) in Go's order, found through hashing instead of comparing
            // every pair, so a long array costs O(n) unless its items really are equal.
            std::unordered_map<uint64_t, std::vector<size_t>> buckets;
            for (size_t i = 0; i < v.size() && !aborted_; ++i) {
                auto& bucket = buckets[Hash(v[i])];
                for (size_t j : bucket) {
                    if (++steps_ > kMaxSteps) aborted_ = true;
                    if (aborted_ || !Equal(v[j], v[i])) continue;
                    const std::string msg =
                        "items at index " + std::to_string(j) + " and " + std::to_string(i) + " are equal";
                    Add(out, At("uniqueItems", msg, kIdUniqueItems, {{"index_a", j}, {"index_b", i}}, msg));
                }
                bucket.push_back(i);
            }
        }
        if (n.items >= 0) {
            for (size_t i = 0; i < v.size(); ++i) Descend(std::to_string(i), n.items, v[i], out);
        } else if (n.items_tuple) {
            const auto& tuple = *n.items_tuple;
            if (n.additional_items_forbidden && v.size() > tuple.size())
                Add(out,
                    Generic("additionalItems", "only " + std::to_string(tuple.size()) +
                                                   " items are allowed, but found " + std::to_string(size) + " items"));
            for (size_t i = 0; i < v.size(); ++i) {
                if (i < tuple.size())
                    Descend(std::to_string(i), tuple[i], v[i], out);
                else if (n.additional_items >= 0)
                    Descend(std::to_string(i), n.additional_items, v[i], out);
                else
                    break;
            }
        }
        if (n.contains >= 0) {
            std::vector<Violation> causes;
            bool matched = false;
            for (size_t i = 0; i < v.size() && !matched; ++i) {
                std::vector<Violation> item;
                const size_t mark = HitMark();
                path_.push_back(std::to_string(i));
                matched = Validate(n.contains, v[i], item);
                path_.pop_back();
                if (!matched) {
                    DropHits(mark);
                    MoveAll(item, causes);
                }
            }
            if (!matched) {
                if (causes.empty())
                    Add(out, Generic("contains", "contains failed"));
                else
                    MoveAll(causes, out);
            }
        }
    }

    void CheckString(const SchemaNode& n, const std::string& s, std::vector<Violation>& out) {
        if (n.min_length >= 0 || n.max_length >= 0) {
            const auto length = static_cast<int64_t>(RuneCount(s));
            if (n.min_length >= 0 && length < n.min_length) {
                const std::string msg =
                    "length must be >= " + std::to_string(n.min_length) + ", but got " + std::to_string(length);
                Add(out,
                    At("minLength", msg, kIdMinLength, {{"min_length", n.min_length}, {"actual_length", length}}, msg));
            }
            if (n.max_length >= 0 && length > n.max_length) {
                const std::string msg =
                    "length must be <= " + std::to_string(n.max_length) + ", but got " + std::to_string(length);
                Add(out,
                    At("maxLength", msg, kIdMaxLength, {{"max_length", n.max_length}, {"actual_length", length}}, msg));
            }
        }
        if (n.pattern && !n.pattern->Search(s)) {
            const std::string msg = "does not match pattern " + GoQuote(n.pattern->source());
            Add(out, At("pattern", msg, kIdInvalidFormat, {{"pattern", n.pattern->source()}}, msg));
        }
        // ory/jsonschema knows one decoder and one media type; others are not checked, and the
        // media type is only checked on content that decoded.
        std::optional<std::string> decoded;
        if (!n.content_encoding) {
            decoded = s;
        } else if (*n.content_encoding == "base64") {
            decoded = s.size() % 4 == 0 ? core::Base64Decode(s) : std::nullopt;
            if (!decoded) Add(out, Generic("contentEncoding", GoQuote(s) + " is not base64 encoded"));
        }
        if (decoded && n.content_media_type && *n.content_media_type == "application/json" && !Json::accept(*decoded))
            Add(out, Generic("contentMediaType", "value is not of mediatype " + GoQuote(*n.content_media_type)));
    }

    void CheckNumber(const SchemaNode& n, const Json& v, std::vector<Violation>& out) {
        const long double x = NumberValue(v);
        const std::string raw = NumberText(v);  // ory/jsonschema prints the instance as written
        const auto actual = static_cast<double>(x);
        // Kratos re-reads both numbers as float64 for the G2 message and prints them with %v.
        auto limit = [&](const char* keyword, const char* op, const char* limit_key, const SchemaNumber& lim, int id) {
            const std::string shown = GoFormatFloat(lim.display);
            Add(out, At(keyword, std::string("must be ") + op + " " + shown + " but found " + raw, id,
                        {{limit_key, JsonNumber(lim.display)}, {"actual", JsonNumber(actual)}},
                        std::string("must be ") + op + " " + shown + " but found " + GoFormatFloat(actual)));
        };
        if (n.minimum && x < n.minimum->value) limit("minimum", ">=", "minimum", *n.minimum, kIdMinimum);
        if (n.exclusive_minimum && x <= n.exclusive_minimum->value)
            limit("exclusiveMinimum", ">", "minimum", *n.exclusive_minimum, kIdExclusiveMinimum);
        if (n.maximum && x > n.maximum->value) limit("maximum", "<=", "maximum", *n.maximum, kIdMaximum);
        if (n.exclusive_maximum && x >= n.exclusive_maximum->value)
            limit("exclusiveMaximum", "<", "maximum", *n.exclusive_maximum, kIdExclusiveMaximum);
        if (n.multiple_of) {
            const long double m = n.multiple_of->value;
            bool multiple = false;
            if (x == std::trunc(x) && m == std::trunc(m)) {
                multiple = std::fmod(x, m) == 0;
            } else {
                // Go divides in 64-bit-mantissa big.Float and asks IsInt; long double is the
                // same precision.
                const long double q = x / m;
                multiple = std::isfinite(q) && q == std::trunc(q);
            }
            if (!multiple) {
                const std::string base = GoFormatFloat(n.multiple_of->display);
                Add(out, At("multipleOf", raw + " not multipleOf " + base, kIdMultipleOf,
                            {{"base", JsonNumber(n.multiple_of->display)}, {"actual", JsonNumber(actual)}},
                            GoFormatFloat(actual) + " not multipleOf " + base));
            }
        }
    }

    const std::vector<SchemaNode>& nodes_;
    std::vector<ExtensionHit>* hits_;
    std::vector<std::string> path_;
    std::set<std::pair<int, const void*>> active_;
    size_t depth_ = 0;
    size_t steps_ = 0;
    size_t created_ = 0;
    bool aborted_ = false;
};

}  // namespace

std::vector<Violation> CompiledSchema::Validate(const nlohmann::json& instance, std::vector<ExtensionHit>* hits) const {
    return Validator(nodes_, hits).Run(instance);
}

}  // namespace bia::schema
