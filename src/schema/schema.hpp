// Identity schemas: loading (file://, base64://, http(s)://), validating traits with
// Kratos-compatible messages, and reading the `ory.sh/kratos` extension keywords that turn
// traits into credential identifiers and verification/recovery addresses (surrounding-api.md §3).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::schema {

// One schema violation, located at a traits path.
struct Violation {
    // Dotted form-field name of the offending value, e.g. "traits.email", "traits.name.first";
    // "traits" for errors on the traits object itself (a missing required property is reported
    // on the missing property's own path: "traits.email").
    std::string field;
    // JSON pointer of the instance location, e.g. "/traits/email".
    std::string pointer;
    // The validator text Kratos (santhosh-tekuri/jsonschema) prints, e.g.
    // "length must be >= 10, but got 3", "Property email is missing.",
    // "\"foo\" is not valid \"email\"", "expected string, but got number".
    std::string message;
    // The JSON Schema keyword that failed ("minLength", "required", "format", "type", ...).
    std::string keyword;
    // G2 message id for this keyword (4000002 required, 4000003 minLength, ...); 4000001 fallback.
    int message_id = 4000001;
    // G2 message context (keys per messages.tsv). null when that message has no context
    // (4000030 "const failed"): the UI then omits the key.
    nlohmann::json context = nlohmann::json::object();
    // The G2 (v1+/v26) rendering of message_id with context, i.e. the text those servers put in
    // the UI message. Equal to `message` except for const (4000029 "must be equal to constant
    // ...") and email/tel formats (4000040 "Enter a valid email address", 4000041 "Enter a valid
    // phone number"). G1 servers show `message` under id 4000001 (4000002 for required).
    std::string text;
};

struct Address {
    std::string via;    // "email" (later "sms")
    std::string value;  // lower-cased for email
};

// What the extension keywords derive from a traits document.
struct Extensions {
    // credential type ("password", "webauthn", "code", ...) → identifiers, lower-cased,
    // de-duplicated, in document order.
    std::vector<std::pair<std::string, std::vector<std::string>>> identifiers;
    std::vector<Address> verification;
    std::vector<Address> recovery;
    std::optional<std::string> totp_account_name;
    // credentials.code.identifier (G2): the addresses a login code may be sent to, in document
    // order; their values are also listed under identifiers["code"].
    std::vector<Address> code_addresses;
    // credentials.passkey.display_name (G2): the trait shown as the passkey user name.
    std::optional<std::string> passkey_display_name;

    const std::vector<std::string>* IdentifiersFor(std::string_view type) const;
};

// A leaf input of the profile form (settings-flow.md §8.1), in schema document order.
struct FormField {
    std::string name;       // "traits.email"
    std::string type;       // input type: text, number, checkbox, email, url, date, datetime-local, tel
    std::string json_type;  // schema type: string, number, integer, boolean, array ("" if untyped)
    bool required = false;
    std::optional<std::string> pattern;
    std::optional<std::string> title;
    std::optional<std::string> autocomplete;  // G2: email, tel, url
    // For json_type "array": the single item type ("string", "number", "integer", "boolean"),
    // when the schema has one; form values for the field are then lists of that type.
    std::optional<std::string> item_type;
};

class Schema {
  public:
    virtual ~Schema() = default;
    virtual const std::string& id() const = 0;
    virtual const std::string& url() const = 0;     // as configured
    virtual const nlohmann::json& raw() const = 0;  // the schema document
    // Validates a traits document against the schema's `properties.traits` (as Kratos does: the
    // document {"traits": traits} against the whole schema, plus the checks the `ory.sh/kratos`
    // verification/recovery/code keywords make themselves). Empty = valid. Reports Kratos's leaf
    // errors; traits nested deeper than 256 levels get one violation on "traits" instead.
    virtual std::vector<Violation> ValidateTraits(const nlohmann::json& traits) const = 0;
    // What the extension keywords derive from `traits` (meant for traits that validate).
    // Thread-safe, like every const member here: schemas are immutable once loaded.
    virtual Extensions ExtractExtensions(const nlohmann::json& traits) const = 0;
    // Leaf inputs for the profile form ("traits.*"), in document order.
    virtual const std::vector<FormField>& FormFields() const = 0;
    // All dotted property paths in document order ("traits", "traits.email", "traits.name",
    // "traits.name.first", ...), object paths included, following local $refs.
    virtual const std::vector<std::string>& PropertyPaths() const = 0;
    // The key list K that settings-flow.md §7.5 sorts UI nodes by, computed as Kratos does: leaf
    // paths only (object paths would be a prefix of every child and tie them all), descending
    // only into properties whose "type" is the string "object", no $ref, dots in names escaped
    // as "\.". Use this, not PropertyPaths(), with the §7.5 first-prefix rule.
    virtual const std::vector<std::string>& NodeSortKeys() const { return PropertyPaths(); }
    // The JSON type the schema expects at a dotted path ("traits.age" → "integer", "traits.name"
    // → "object"; ["integer", "null"] counts as "integer"), if known.
    virtual std::optional<std::string> TypeAt(std::string_view dotted_path) const = 0;
};

struct SchemaSource {
    std::string id;
    std::string url;  // file://PATH, base64://DOC, http(s)://...
};

class SchemaRegistry {
  public:
    // Loads and compiles every schema; an unreadable or invalid schema is an error naming it.
    static core::Result<std::unique_ptr<SchemaRegistry>> Load(const std::vector<SchemaSource>& sources,
                                                              std::string default_id);
    ~SchemaRegistry();

    // By id, or by the unpadded base64url encoding of the id (the form used in schema_url).
    const Schema* Find(std::string_view id_or_encoded) const;
    const Schema& Default() const;
    const std::string& default_id() const { return default_id_; }
    const std::vector<std::unique_ptr<Schema>>& all() const { return schemas_; }

  private:
    SchemaRegistry() = default;
    std::vector<std::unique_ptr<Schema>> schemas_;
    std::string default_id_;
};

}  // namespace bia::schema
