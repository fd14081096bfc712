// A draft-07 JSON Schema compiled once into a flat node graph, and the validator that walks an
// instance with it, producing Kratos's (ory/jsonschema v3) leaf error messages plus the G2
// message ids. Internal to the schema module; identity_schema builds on it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "schema/formats.hpp"
#include "schema/regex.hpp"
#include "schema/schema.hpp"

namespace bia::schema {

// The `ory.sh/kratos` keyword of one subschema (checked against Kratos's extension meta-schema
// at load time).
struct ExtensionConfig {
    bool password_identifier = false;
    bool webauthn_identifier = false;
    bool passkey_display_name = false;
    bool totp_account_name = false;
    bool code_identifier = false;
    std::string code_via;               // "email" | "sms" when code_identifier
    std::string verification_via;       // "" | "email" | "sms"
    std::string recovery_via;           // "" | "email" | "sms"
    std::optional<std::string> format;  // the subschema's own `format`; verification depends on it
};

// A numeric limit: the exact value for comparisons (long double holds every int64/uint64 and
// double exactly) and the double used to print it like Go's %v.
struct SchemaNumber {
    long double value = 0;
    double display = 0;
};

struct PatternProperty {
    Regex regex;
    int schema = -1;
};

struct Dependency {
    std::string property;
    int schema = -1;                    // schema dependency, or
    std::vector<std::string> required;  // property dependency
};

struct SchemaNode {
    std::string location;        // canonical JSON pointer in the document, "#/properties/traits"
    std::optional<bool> always;  // boolean schema
    std::string ref_location;    // $ref target while compiling
    int ref = -1;                // $ref: all sibling keywords are ignored (draft-07)

    std::vector<std::string> types;
    std::optional<nlohmann::json> constant;
    std::vector<nlohmann::json> enumeration;  // empty = no enum
    std::string enum_error;
    std::optional<std::string> format;
    FormatCheck format_check = nullptr;
    int not_schema = -1;
    std::vector<int> all_of;
    std::vector<int> any_of;
    std::vector<int> one_of;
    int if_schema = -1;
    int then_schema = -1;
    int else_schema = -1;

    int64_t min_properties = -1;
    int64_t max_properties = -1;
    std::vector<std::string> required;
    std::vector<std::pair<std::string, int>> properties;  // document order
    int property_names = -1;
    std::vector<PatternProperty> pattern_properties;
    bool additional_forbidden = false;  // additionalProperties: false
    int additional_properties = -1;     // additionalProperties: {schema}
    std::vector<Dependency> dependencies;

    int64_t min_items = -1;
    int64_t max_items = -1;
    bool unique_items = false;
    int items = -1;                               // items: {schema}
    std::optional<std::vector<int>> items_tuple;  // items: [schemas]
    bool additional_items_forbidden = false;
    int additional_items = -1;
    int contains = -1;

    int64_t min_length = -1;
    int64_t max_length = -1;
    std::optional<Regex> pattern;
    std::optional<std::string> content_encoding;    // only "base64" is checked, as in Go
    std::optional<std::string> content_media_type;  // only "application/json" is checked

    std::optional<SchemaNumber> minimum;
    std::optional<SchemaNumber> exclusive_minimum;
    std::optional<SchemaNumber> maximum;
    std::optional<SchemaNumber> exclusive_maximum;
    std::optional<SchemaNumber> multiple_of;

    std::optional<ExtensionConfig> extension;
    std::optional<std::string> title;
    bool has_default = false;
};

// One evaluation of a subschema carrying `ory.sh/kratos`, in validation (document) order.
struct ExtensionHit {
    const ExtensionConfig* config = nullptr;
    const nlohmann::json* value = nullptr;  // points into the validated instance
    std::string pointer;
    std::string field;
};

class CompiledSchema {
  public:
    // Structural (meta-schema) checks happen here: a wrong-typed keyword, an invalid regex or an
    // unresolvable $ref is an error naming its location ("#/properties/traits/...").
    static core::Result<std::shared_ptr<const CompiledSchema>> Compile(const nlohmann::ordered_json& document);

    // Leaf violations of `instance` against the root schema (Kratos reports the leaves of the
    // error tree: anyOf/allOf/$ref/if-then wrappers are flattened into their causes). `hits`
    // receives the extension keyword visits of every subschema except those in failed
    // anyOf/oneOf/if/contains trials and under `not`. Bounded: deeply recursive schemas,
    // cycles and huge instances yield an error violation, never unbounded work.
    std::vector<Violation> Validate(const nlohmann::json& instance, std::vector<ExtensionHit>* hits) const;

    const SchemaNode& node(int index) const { return nodes_[static_cast<size_t>(index)]; }
    int root() const { return 0; }

  private:
    friend class SchemaCompiler;
    std::vector<SchemaNode> nodes_;
};

// Whether `value` nests arrays/objects more than `limit` levels deep; iterative, so it is safe
// on documents that would overflow the stack of a recursive walk.
template <class J>
bool DeeperThan(const J& value, size_t limit) {
    std::vector<std::pair<const J*, size_t>> stack{{&value, 0}};
    while (!stack.empty()) {
        auto [v, depth] = stack.back();
        stack.pop_back();
        if (!v->is_structured()) continue;
        if (depth + 1 > limit) return true;
        for (const auto& child : *v) stack.emplace_back(&child, depth + 1);
    }
    return false;
}

// Builders shared with identity_schema: a violation at a dotted field / pointer with the G2
// id, context and text filled in for `keyword`.
Violation MakeFormatViolation(std::string field, std::string pointer, const nlohmann::json& value,
                              std::string_view format);
Violation MakeGenericViolation(std::string field, std::string pointer, std::string keyword, std::string message);
// Go's %q of a JSON value (what Kratos prints for format errors).
std::string GoQuoteValue(const nlohmann::json& value);

}  // namespace bia::schema
