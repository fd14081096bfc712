// libFuzzer target: the identity-schema traits validator (Schema::ValidateTraits) and extension
// extraction, over a schema using most keywords. The input is JSON traits.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "schema/identity_schema.hpp"

namespace {

constexpr const char* kSchema = R"({
  "$id": "https://bia.invalid/fuzz.schema.json", "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "definitions": {"tag": {"type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[a-z0-9-]+$"}},
  "properties": {"traits": {"type": "object", "properties": {
    "email": {"type": "string", "format": "email", "minLength": 3,
              "ory.sh/kratos": {"credentials": {"password": {"identifier": true}},
                                "verification": {"via": "email"}, "recovery": {"via": "email"}}},
    "phone": {"type": "string", "format": "tel",
              "ory.sh/kratos": {"credentials": {"code": {"identifier": true, "via": "sms"}}}},
    "username": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]{2,31}$"},
    "website": {"type": "string", "format": "uri"},
    "birthday": {"type": "string", "format": "date"},
    "age": {"type": "integer", "minimum": 0, "maximum": 200, "multipleOf": 1},
    "score": {"type": "number", "exclusiveMinimum": -1e9, "exclusiveMaximum": 1e9},
    "newsletter": {"type": "boolean"},
    "role": {"enum": ["admin", "user", null, 3]},
    "kind": {"const": "person"},
    "tags": {"type": "array", "items": {"$ref": "#/definitions/tag"}, "maxItems": 10, "uniqueItems": true},
    "name": {"type": "object", "properties": {"first": {"type": "string"}, "last": {"type": "string"}},
             "additionalProperties": false, "required": ["first"]},
    "extra": {"oneOf": [{"type": "string"}, {"type": "integer"}], "not": {"const": 7}},
    "any": {"anyOf": [{"type": "object", "minProperties": 1}, {"type": "array", "minItems": 1}]},
    "all": {"allOf": [{"type": "string"}, {"maxLength": 5}]}
  }, "required": ["email"], "additionalProperties": {"type": "string"}}}
})";

const bia::schema::IdentitySchema* FuzzSchema() {
    static std::unique_ptr<bia::schema::IdentitySchema> schema = [] {
        auto s = bia::schema::IdentitySchema::Parse("default", "file:///fuzz.schema.json", kSchema);
        if (!s) __builtin_trap();  // the fixed schema itself must compile
        return std::move(*s);
    }();
    return schema.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto* schema = FuzzSchema();
    auto traits = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (traits.is_discarded()) return 0;
    // Extensions are only extracted from traits that passed validation (as the services do).
    if (schema->ValidateTraits(traits).empty()) (void)schema->ExtractExtensions(traits);
    return 0;
}
