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
