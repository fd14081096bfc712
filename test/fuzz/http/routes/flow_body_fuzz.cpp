// libFuzzer target: the self-service flow body decoder (DecodeFlowBody) for JSON, url-encoded
// and multipart bodies, with and without a schema for form-value coercion. The first byte picks
// the Content-Type and whether the schema is used; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/routes/flow_body.hpp"
#include "schema/identity_schema.hpp"

namespace {

constexpr const char* kSchema = R"({
  "$id": "https://bia.invalid/fuzz.schema.json", "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {"traits": {"type": "object", "properties": {
    "email": {"type": "string", "format": "email",
              "ory.sh/kratos": {"credentials": {"password": {"identifier": true}}}},
    "age": {"type": "integer"}, "score": {"type": "number"}, "newsletter": {"type": "boolean"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "name": {"type": "object", "properties": {"first": {"type": "string"}, "last": {"type": "string"}}}
  }, "required": ["email"]}}
})";

const bia::schema::Schema* FuzzSchema() {
    static std::unique_ptr<bia::schema::IdentitySchema> schema = [] {
        auto s = bia::schema::IdentitySchema::Parse("default", "file:///fuzz.schema.json", kSchema);
        return s ? std::move(*s) : nullptr;
    }();
    return schema.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const kTypes[] = {"application/json",
                                         "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=XyZ",
                                         "multipart/form-data",
                                         "text/plain",
                                         "application/x-www-form-urlencoded; charset=utf-8"};
    if (size == 0) return 0;
    constexpr size_t kTypeCount = sizeof kTypes / sizeof kTypes[0];
    bia::http::Request r;
    r.method = "POST";
    r.headers = {{"Content-Type", kTypes[data[0] % kTypeCount]}};
    r.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    const bia::schema::Schema* schema = (data[0] / kTypeCount) % 2 ? FuzzSchema() : nullptr;
    auto decoded = bia::http::routes::DecodeFlowBody(r, schema);
    if (decoded) (void)decoded->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
