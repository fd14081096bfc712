#include "schema/identity_schema.hpp"

#include <algorithm>
#include <set>

#include "schema/formats.hpp"
#include "schema/go_text.hpp"
#include "schema/identifier.hpp"

namespace bia::schema {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr size_t kMaxDocumentDepth = 512;  // schema documents
constexpr size_t kMaxTraitsDepth = 256;    // traits documents
constexpr size_t kMaxPropertyPaths = 10000;
constexpr int kMaxPathDepth = 64;
constexpr size_t kMaxWalkSteps = 200000;
constexpr size_t kMaxWalkDepth = 256;

const char* const kTraits = "traits";

// The JSON shape Kratos's jsonschemax.ListPaths gives a path (its "prototype"); it decides
// the form input type and whether a path becomes an input at all.
enum class Proto { kNone, kNumber, kInteger, kBool, kString, kArray, kJson };

struct PathInfo {
    std::string name;
    Proto proto = Proto::kNone;
    std::optional<std::string> item_type;
    bool required = false;
    bool has_default = false;
    const SchemaNode* node = nullptr;
};

// Walks the compiled schema the way ListPaths does (self, $ref, not, if, then, else, allOf,
// anyOf, oneOf, properties), but keeps properties in document order.
class PathLister {
  public:
    explicit PathLister(const CompiledSchema& schema) : schema_(schema) {}

    void Walk(int index, int parent) {
        // Bounded like validation: $ref graphs can describe exponentially many walks.
        if (paths_.size() >= kMaxPropertyPaths || ++steps_ > kMaxWalkSteps || chain_.size() >= kMaxWalkDepth) return;
        const SchemaNode& s = schema_.node(index);
        if (s.ref < 0) Record(s, parent);
        // A schema already on the current chain is circular: Kratos refuses those; we stop.
        if (std::find(chain_.begin(), chain_.end(), index) != chain_.end()) return;
        chain_.push_back(index);
        if (s.ref >= 0) {
            Walk(s.ref, index);
        } else {
            for (int sub : {s.not_schema, s.if_schema, s.then_schema, s.else_schema})
                if (sub >= 0) Walk(sub, index);
            for (const auto* list : {&s.all_of, &s.any_of, &s.one_of})
                for (int sub : *list) Walk(sub, index);
            for (const auto& [name, sub] : s.properties) {
                parents_.push_back(name);
                Walk(sub, index);
                parents_.pop_back();
            }
        }
        chain_.pop_back();
    }

    // First occurrence keeps its position; a later one replaces it unless the first has a
    // default (jsonschemax makeUnique).
    std::vector<PathInfo> Unique() const {
        std::vector<PathInfo> out;
        std::map<std::string, size_t> at;
        for (const PathInfo& p : paths_) {
            auto it = at.find(p.name);
            if (it == at.end()) {
                at.emplace(p.name, out.size());
                out.push_back(p);
            } else if (!out[it->second].has_default) {
                out[it->second] = p;
            }
        }
        return out;
    }

    const std::map<std::string, std::string>& types() const { return types_; }

  private:
    static std::string TypeOfConst(const nlohmann::json& c) {
        if (c.is_number_integer()) return "integer";
        if (c.is_number()) return "number";
        if (c.is_string()) return "string";
        if (c.is_boolean()) return "boolean";
        if (c.is_array()) return "array";
        if (c.is_object()) return "object";
        return "null";
    }

    void Record(const SchemaNode& s, int parent) {
        if (parents_.empty()) return;
        std::string name;
        for (const auto& p : parents_) name += (name.empty() ? "" : ".") + p;

        // The type for body coercion (TypeAt): a single type, or T of ["T", "null"].
        std::string type;
        if (s.constant) {
            type = TypeOfConst(*s.constant);
        } else if (s.types.size() == 1) {
            type = s.types[0];
        } else if (s.types.size() == 2 && (s.types[0] == "null" || s.types[1] == "null")) {
            type = s.types[0] == "null" ? s.types[1] : s.types[0];
        }
        if (!type.empty()) types_.emplace(name, type);

        PathInfo info;
        info.name = std::move(name);
        info.node = &s;
        info.has_default = s.has_default;
        if (s.constant) {
            const auto& c = *s.constant;
            if (c.is_number())
                info.proto = Proto::kNumber;
            else if (c.is_string())
                info.proto = Proto::kString;
            else if (c.is_boolean())
                info.proto = Proto::kBool;
            else if (!c.is_null())
                info.proto = Proto::kJson;
        } else if (s.types.size() == 1) {
            const std::string& t = s.types[0];
            if (t == "boolean")
                info.proto = Proto::kBool;
            else if (t == "number")
                info.proto = Proto::kNumber;
            else if (t == "integer")
                info.proto = Proto::kInteger;
            else if (t == "string")
                info.proto = Proto::kString;
            else if (t == "object")
                info.proto = Proto::kJson;
            else if (t == "array")
                ArrayProto(s, info);
        } else if (s.types.size() > 2) {
            info.proto = Proto::kJson;
            if (!info.has_default) return;  // Kratos: no prototype, no path
        }
        if (info.proto == Proto::kNone && !info.has_default) return;
        if (parent >= 0) {
            const auto& req = schema_.node(parent).required;
            info.required = std::find(req.begin(), req.end(), parents_.back()) != req.end();
        }
        paths_.push_back(std::move(info));
    }

    void ArrayProto(const SchemaNode& s, PathInfo& info) const {
        info.proto = Proto::kArray;
        std::vector<int> items;
        if (s.items >= 0) items.push_back(s.items);
        if (s.items_tuple) items = *s.items_tuple;
        if (items.empty()) return;
        std::vector<std::string> types;
        for (int i : items) {
            const SchemaNode& item = schema_.node(i);
            if (item.ref >= 0) {
                const auto& target = schema_.node(item.ref).types;
                types.insert(types.end(), target.begin(), target.end());
            } else {
                types.insert(types.end(), item.types.begin(), item.types.end());
            }
        }
        types.erase(std::unique(types.begin(), types.end()), types.end());
        if (types.size() != 1) return;
        const std::string& t = types[0];
        if (t == "boolean" || t == "number" || t == "integer" || t == "string")
            info.item_type = t;
        else
            info.proto = Proto::kJson;
    }

    const CompiledSchema& schema_;
    std::vector<std::string> parents_;
    std::vector<int> chain_;
    std::vector<PathInfo> paths_;
    std::map<std::string, std::string> types_;
    size_t steps_ = 0;
};

FormField ToFormField(const PathInfo& p) {
    FormField f;
    f.name = p.name;
    switch (p.proto) {
        case Proto::kNumber:
            f.type = "number", f.json_type = "number";
            break;
        case Proto::kInteger:
            f.type = "number", f.json_type = "integer";
            break;
        case Proto::kBool:
            f.type = "checkbox", f.json_type = "boolean";
            break;
        case Proto::kString:
            f.type = "text", f.json_type = "string";
            break;
        case Proto::kArray:
            f.type = "text", f.json_type = "array";
            break;
        default:
            f.type = "text";
            break;
    }
    f.item_type = p.item_type;
    f.required = p.required;
    const SchemaNode& s = *p.node;
    if (s.format) {
        const std::string& fmt = *s.format;
        if (fmt == "date-time") {
            f.type = "datetime-local";
        } else if (fmt == "email") {
            f.type = "email";
            f.autocomplete = "email";
        } else if (fmt == "tel") {
            f.type = "tel";
            f.autocomplete = "tel";
        } else if (fmt == "date") {
            f.type = "date";
        } else if (fmt == "uri") {
            f.type = "url";
            f.autocomplete = "url";
        } else if (fmt == "regex") {
            f.type = "text";
        }
    }
    if (s.pattern) f.pattern = s.pattern->source();
    if (s.title && !s.title->empty()) f.title = s.title;
    return f;
}

const OrderedJson* ResolveLocalRef(const OrderedJson& doc, const std::string& ref) {
    if (ref.empty() || ref[0] != '#') return nullptr;
    const OrderedJson* j = &doc;
    if (ref.size() == 1) return j;
    if (ref[1] != '/') return nullptr;
    size_t start = 2;
    while (true) {
        const size_t slash = ref.find('/', start);
        const std::string raw = ref.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::string token;
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size()) {
                token += raw[i + 1] == '1' ? '/' : '~';
                ++i;
            } else {
                token += raw[i];
            }
        }
        if (!j->is_object()) return nullptr;
        auto it = j->find(token);
        if (it == j->end()) return nullptr;
        j = &*it;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return j;
}

void CollectPropertyPaths(const OrderedJson& doc, const OrderedJson& schema, const std::string& prefix, int depth,
                          std::vector<const OrderedJson*>& chain, std::vector<std::string>& out) {
    if (depth > kMaxPathDepth || out.size() >= kMaxPropertyPaths) return;
    const OrderedJson* s = &schema;
    for (int hops = 0; hops < 16 && s->is_object(); ++hops) {
        auto ref = s->find("$ref");
        if (ref == s->end() || !ref->is_string()) break;
        const OrderedJson* target = ResolveLocalRef(doc, ref->get<std::string>());
        if (target == nullptr) break;
        s = target;
    }
    if (!s->is_object() || std::find(chain.begin(), chain.end(), s) != chain.end()) return;
    auto props = s->find("properties");
    if (props == s->end() || !props->is_object()) return;
    chain.push_back(s);
    for (auto it = props->begin(); it != props->end() && out.size() < kMaxPropertyPaths; ++it) {
        const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
        out.push_back(path);
        CollectPropertyPaths(doc, it.value(), path, depth + 1, chain, out);
    }
    chain.pop_back();
}

// Kratos's computeKeyPositions: descend into "properties" only where "type" is the string
// "object"; everything else is a key. Dots in names are escaped.
void ComputeKeyPositions(const OrderedJson& schema, std::vector<std::string>& parents, std::vector<std::string>& out) {
    if (out.size() >= kMaxPropertyPaths) return;
    const bool object = schema.is_object() && schema.contains("type") && schema["type"].is_string() &&
                        schema["type"].get<std::string>() == "object";
    if (!object) {
        std::string key;
        for (const auto& p : parents) key += (key.empty() ? "" : ".") + p;
        out.push_back(std::move(key));
        return;
    }
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object()) return;
    for (auto it = props->begin(); it != props->end(); ++it) {
        std::string escaped;
        for (char c : it.key()) {
            if (c == '.') escaped += '\\';
            escaped += c;
        }
        parents.push_back(std::move(escaped));
        ComputeKeyPositions(it.value(), parents, out);
        parents.pop_back();
    }
}

// fmt.Sprintf("%s", value) for the JSON values traits hold; containers have no sensible
// identifier, so they yield nothing.
std::optional<std::string> GoSprintS(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return v.dump();
    if (v.is_boolean()) return v.get<bool>() ? "%!s(bool=true)" : "%!s(bool=false)";
    if (v.is_null()) return "%!s(<nil>)";
    return std::nullopt;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

void AddAddress(std::vector<Address>& list, std::string via, std::string value) {
    for (const auto& a : list)
        if (a.via == via && a.value == value) return;
    list.push_back(Address{std::move(via), std::move(value)});
}

void AddIdentifier(Extensions& ext, std::string_view type, std::string value) {
    for (auto& [t, ids] : ext.identifiers) {
        if (t == type) {
            AddUnique(ids, std::move(value));
            return;
        }
    }
    ext.identifiers.emplace_back(std::string(type), std::vector<std::string>{std::move(value)});
}

nlohmann::json WrapTraits(const nlohmann::json& traits) {
    nlohmann::json root = nlohmann::json::object();
    root[kTraits] = traits;
    return root;
}

}  // namespace

core::Result<std::unique_ptr<IdentitySchema>> IdentitySchema::Parse(std::string id, std::string url,
                                                                    std::string_view document) {
    OrderedJson doc;
    std::unique_ptr<IdentitySchema> s(new IdentitySchema());
    try {
        doc = OrderedJson::parse(document);
        s->raw_ = nlohmann::json::parse(document);
    } catch (const nlohmann::json::exception& e) {
        return core::BadRequest(std::string("the document is not valid JSON: ") + e.what());
    }
    if (DeeperThan(doc, kMaxDocumentDepth))
        return core::BadRequest("the document is nested more than " + std::to_string(kMaxDocumentDepth) +
                                " levels deep");
    BIA_TRY_ASSIGN(s->compiled_, CompiledSchema::Compile(doc));
    s->id_ = std::move(id);
    s->url_ = std::move(url);
    s->ComputeFormFields();
    std::vector<const OrderedJson*> chain;
    CollectPropertyPaths(doc, doc, "", 0, chain, s->property_paths_);
    std::vector<std::string> parents;
    ComputeKeyPositions(doc, parents, s->sort_keys_);
    return s;
}

void IdentitySchema::ComputeFormFields() {
    PathLister lister(*compiled_);
    lister.Walk(compiled_->root(), -1);
    for (const PathInfo& p : lister.Unique()) {
        if (p.proto == Proto::kJson || !p.name.starts_with(std::string(kTraits) + ".")) continue;
        form_fields_.push_back(ToFormField(p));
    }
    types_.insert(lister.types().begin(), lister.types().end());
}

std::optional<std::string> IdentitySchema::TypeAt(std::string_view dotted_path) const {
    auto it = types_.find(dotted_path);
    if (it == types_.end()) return std::nullopt;
    return it->second;
}

std::vector<Violation> IdentitySchema::ValidateTraits(const nlohmann::json& traits) const {
    if (DeeperThan(traits, kMaxTraitsDepth)) {
        return {MakeGenericViolation(
            kTraits, "/traits", "",
            "The traits are nested more than " + std::to_string(kMaxTraitsDepth) + " levels deep.")};
    }
    // Kratos validates {"traits": ...} against the whole schema document.
    const nlohmann::json root = WrapTraits(traits);
    std::vector<ExtensionHit> hits;
    std::vector<Violation> out = compiled_->Validate(root, &hits);

    // What the extension keywords check on their own (Kratos v26 verification/recovery/code
    // extensions), skipping messages the schema's own keywords already reported.
    auto add = [&](Violation v) {
        for (const auto& existing : out)
            if (existing.pointer == v.pointer && existing.message == v.message) return;
        out.push_back(std::move(v));
    };
    for (const ExtensionHit& hit : hits) {
        const ExtensionConfig& cfg = *hit.config;
        const nlohmann::json& value = *hit.value;
        if (!cfg.verification_via.empty() && !cfg.format) {
            if (cfg.verification_via == "email") {
                if (!FindFormat("email")(value)) add(MakeFormatViolation(hit.field, hit.pointer, value, "email"));
            } else {
                add(MakeGenericViolation(
                    hit.field, hit.pointer, "format",
                    "no format specified. A format is required if verification is enabled. If this "
                    "was intentional, please set \"format\" to \"no-validate\""));
            }
        }
        if (cfg.recovery_via == "email" && !FindFormat("email")(value))
            add(MakeFormatViolation(hit.field, hit.pointer, value, "email"));
        if (cfg.recovery_via == "sms" && !FindFormat("tel")(value))
            add(MakeFormatViolation(hit.field, hit.pointer, value, "tel"));
        if (cfg.code_identifier && cfg.code_via == "sms" && !FindFormat("tel")(value))
            add(MakeGenericViolation(hit.field, hit.pointer, std::string("ory.sh/kratos"),
                                     "the provided number is not a valid phone number"));
    }
    return out;
}

Extensions IdentitySchema::ExtractExtensions(const nlohmann::json& traits) const {
    Extensions ext;
    if (DeeperThan(traits, kMaxTraitsDepth)) return ext;
    const nlohmann::json root = WrapTraits(traits);
    std::vector<ExtensionHit> hits;
    (void)compiled_->Validate(root, &hits);
    for (const ExtensionHit& hit : hits) {
        const ExtensionConfig& cfg = *hit.config;
        const nlohmann::json& value = *hit.value;
        const std::optional<std::string> raw = GoSprintS(value);
        if (!raw) continue;
        // Checks see the value as written; what gets stored must serialise again.
        const std::optional<std::string> text = ToValidUtf8(*raw);
        // One normalisation for identifiers, shared with login's lookup (schema/identifier.hpp).
        if (cfg.password_identifier) AddIdentifier(ext, "password", NormalizeCredentialIdentifier("password", *text));
        if (cfg.webauthn_identifier) AddIdentifier(ext, "webauthn", NormalizeCredentialIdentifier("webauthn", *text));
        if (cfg.code_identifier) {
            std::optional<std::string> address;
            if (cfg.code_via == "email") {
                address = text->find('@') != std::string::npos ? std::string(GoTrimSpace(GoToLower(*text))) : *text;
            } else {
                address = TelE164(*raw);
            }
            if (address) {
                AddIdentifier(ext, "code", *address);
                AddAddress(ext.code_addresses, cfg.code_via, *address);
            }
        }
        if (cfg.passkey_display_name) ext.passkey_display_name = *text;
        if (cfg.totp_account_name) ext.totp_account_name = *text;
        if (!cfg.verification_via.empty()) {
            // Without a format Kratos checks (and treats) an email address; with one it trusts
            // the format keyword and lower-cases only email-formatted values.
            std::string format = cfg.format.value_or("");
            bool usable = true;
            if (format.empty()) {
                usable = cfg.verification_via == "email" && value.is_string() && IsEmail(*raw);
                format = "email";
            }
            if (usable) {
                const std::string trimmed(GoTrimSpace(*text));
                AddAddress(ext.verification, cfg.verification_via,
                           format == "email" ? NormalizeEmailAddress(trimmed) : trimmed);
            }
        }
        if (cfg.recovery_via == "email" && value.is_string() && IsEmail(*raw))
            AddAddress(ext.recovery, "email", NormalizeEmailAddress(*text));
        if (cfg.recovery_via == "sms" && value.is_string() && IsTel(*raw))
            AddAddress(ext.recovery, "sms", std::string(GoTrimSpace(*text)));
    }
    return ext;
}

}  // namespace bia::schema
