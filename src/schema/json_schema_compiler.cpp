#include "schema/json_schema.hpp"

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "schema/json_schema_detail.hpp"

namespace bia::schema {

using namespace json_schema_detail;  // NOLINT(google-build-using-namespace): this component's own internals

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

}  // namespace bia::schema
