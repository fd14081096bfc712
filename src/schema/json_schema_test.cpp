#include "schema/json_schema.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace bia::schema {
namespace {

using nlohmann::json;

std::shared_ptr<const CompiledSchema> MustCompile(std::string_view text) {
    auto r = CompiledSchema::Compile(nlohmann::ordered_json::parse(text));
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().reason);
    return r.ok() ? *r : nullptr;
}

std::vector<Violation> Check(std::string_view schema, std::string_view instance) {
    auto s = MustCompile(schema);
    if (!s) return {};
    return s->Validate(json::parse(instance), nullptr);
}

// Messages joined with " | ", in report order.
std::string Messages(std::string_view schema, std::string_view instance) {
    std::string out;
    for (const auto& v : Check(schema, instance)) out += (out.empty() ? "" : " | ") + v.message;
    return out;
}

std::string CompileError(std::string_view schema) {
    auto r = CompiledSchema::Compile(nlohmann::ordered_json::parse(schema));
    return r.ok() ? "" : r.error().reason;
}

Violation Only(std::string_view schema, std::string_view instance) {
    auto v = Check(schema, instance);
    EXPECT_EQ(v.size(), 1u) << Messages(schema, instance);
    return v.empty() ? Violation{} : v.front();
}

TEST(JsonSchema, TypeMessagesAndIntegerVersusNumber) {
    Violation v = Only(R"({"type":"string"})", "5");
    EXPECT_EQ(v.message, "expected string, but got number");
    EXPECT_EQ(v.keyword, "type");
    EXPECT_EQ(v.message_id, 4000026);
    EXPECT_EQ(v.context, json::parse(R"({"allowed_types":["string"],"actual_type":"number"})"));
    EXPECT_EQ(v.text, v.message);
    EXPECT_EQ(Messages(R"({"type":["string","null"]})", "true"), "expected string or null, but got boolean");
    EXPECT_EQ(Messages(R"({"type":"integer"})", "1.5"), "expected integer, but got number");
    EXPECT_EQ(Messages(R"({"type":"integer"})", "2"), "");
    EXPECT_EQ(Messages(R"({"type":"number"})", "2"), "");
    EXPECT_EQ(Messages(R"({"type":"object"})", "[]"), "expected object, but got array");
    EXPECT_EQ(Messages(R"({"type":"null"})", "{}"), "expected null, but got object");
    // A type mismatch stops all other checks of that schema.
    EXPECT_EQ(Messages(R"({"type":"string","minimum":10,"enum":["a"]})", "5"), "expected string, but got number");
}

TEST(JsonSchema, StringLengthCountsCodePoints) {
    Violation v = Only(R"({"minLength":10})", R"("abc")");
    EXPECT_EQ(v.message, "length must be >= 10, but got 3");
    EXPECT_EQ(v.message_id, 4000003);
    EXPECT_EQ(v.context, json::parse(R"({"min_length":10,"actual_length":3})"));
    v = Only(R"({"maxLength":5})", R"("abcdefghi")");
    EXPECT_EQ(v.message, "length must be <= 5, but got 9");
    EXPECT_EQ(v.message_id, 4000017);
    EXPECT_EQ(v.context, json::parse(R"({"max_length":5,"actual_length":9})"));
    EXPECT_EQ(Messages(R"({"minLength":4})", "\"\u00f1\u00f1\u00f1\""), "length must be >= 4, but got 3");
    EXPECT_EQ(Messages(R"({"maxLength":2})", "\"\u00f1\u00f1\""), "");
    // Length keywords only apply to strings.
    EXPECT_EQ(Messages(R"({"minLength":4})", "12"), "");
}

TEST(JsonSchema, PatternUsesGoQuoting) {
    Violation v = Only(R"({"pattern":"^[a-z]+$"})", R"("ABC")");
    EXPECT_EQ(v.message, "does not match pattern \"^[a-z]+$\"");
    EXPECT_EQ(v.message_id, 4000004);
    EXPECT_EQ(v.context, json::parse(R"({"pattern":"^[a-z]+$"})"));
    EXPECT_EQ(Messages(R"({"pattern":"^\\d+$"})", R"("x")"), "does not match pattern \"^\\\\d+$\"");
    EXPECT_EQ(Messages(R"({"pattern":"b"})", R"("abc")"), "");  // unanchored search
}

TEST(JsonSchema, FormatMessagesAndG2Ids) {
    Violation v = Only(R"({"format":"email"})", R"("foo")");
    EXPECT_EQ(v.message, "\"foo\" is not valid \"email\"");
    EXPECT_EQ(v.keyword, "format");
    EXPECT_EQ(v.message_id, 4000040);
    EXPECT_EQ(v.text, "Enter a valid email address");
    EXPECT_EQ(v.context, json::parse(R"({"value":"foo"})"));
    v = Only(R"({"format":"uri"})", R"("not a url")");
    EXPECT_EQ(v.message, "\"not a url\" is not valid \"uri\"");
    EXPECT_EQ(v.message_id, 4000001);
    EXPECT_EQ(v.context, json::parse(R"({"reason":"\"not a url\" is not valid \"uri\""})"));
    v = Only(R"({"format":"tel"})", R"("12")");
    EXPECT_EQ(v.message_id, 4000041);
    EXPECT_EQ(v.text, "Enter a valid phone number");
    // Go's format checks reject non-strings, printing them with %q.
    EXPECT_EQ(Messages(R"({"format":"email"})", "5"), "\"5\" is not valid \"email\"");
    EXPECT_EQ(Messages(R"({"format":"date"})", R"("2020-02-30")"), "\"2020-02-30\" is not valid \"date\"");
    EXPECT_EQ(Messages(R"({"format":"something-unknown"})", R"("x")"), "");
}

TEST(JsonSchema, ContentEncodingAndMediaType) {
    EXPECT_EQ(Messages(R"({"contentEncoding":"base64"})", R"("e30=")"), "");
    EXPECT_EQ(Messages(R"({"contentEncoding":"base64"})", R"("not base64!")"), "\"not base64!\" is not base64 encoded");
    EXPECT_EQ(Messages(R"({"contentEncoding":"base64","contentMediaType":"application/json"})", R"("e30=")"), "");
    EXPECT_EQ(Messages(R"({"contentEncoding":"base64","contentMediaType":"application/json"})", R"("bm9wZQ==")"),
              "value is not of mediatype \"application/json\"");
    EXPECT_EQ(Messages(R"({"contentMediaType":"application/json"})", R"("{\"a\":1}")"), "");
    EXPECT_EQ(Messages(R"({"contentEncoding":"rot13","contentMediaType":"application/json"})", R"("x")"), "");
}

TEST(JsonSchema, NumericLimits) {
    Violation v = Only(R"({"minimum":1200})", "1");
    EXPECT_EQ(v.message, "must be >= 1200 but found 1");
    EXPECT_EQ(v.message_id, 4000018);
    EXPECT_EQ(v.context, json::parse(R"({"minimum":1200,"actual":1})"));
    v = Only(R"({"exclusiveMinimum":0})", "0");
    EXPECT_EQ(v.message, "must be > 0 but found 0");
    EXPECT_EQ(v.message_id, 4000019);
    v = Only(R"({"maximum":300})", "301");
    EXPECT_EQ(v.message, "must be <= 300 but found 301");
    EXPECT_EQ(v.message_id, 4000020);
    EXPECT_EQ(v.context, json::parse(R"({"maximum":300,"actual":301})"));
    v = Only(R"({"exclusiveMaximum":10})", "10.0");
    EXPECT_EQ(v.message, "must be < 10 but found 10.0");
    EXPECT_EQ(v.text, "must be < 10 but found 10");
    EXPECT_EQ(v.message_id, 4000021);
    v = Only(R"({"multipleOf":0.5})", "1.25");
    EXPECT_EQ(v.message, "1.25 not multipleOf 0.5");
    EXPECT_EQ(v.message_id, 4000022);
    EXPECT_EQ(v.context, json::parse(R"({"base":0.5,"actual":1.25})"));
    EXPECT_EQ(Messages(R"({"multipleOf":0.5})", "3"), "");
    EXPECT_EQ(Messages(R"({"multipleOf":3})", "10"), "10 not multipleOf 3");
    EXPECT_EQ(Messages(R"({"minimum":1000000})", "5"), "must be >= 1e+06 but found 5");
    v = Only(R"({"maximum":10})", "12345678");
    EXPECT_EQ(v.message, "must be <= 10 but found 12345678");
    EXPECT_EQ(v.text, "must be <= 10 but found 1.2345678e+07");  // Kratos re-prints as float64
}

TEST(JsonSchema, EnumAndConst) {
    EXPECT_EQ(Messages(R"({"enum":["a","b"]})", R"("c")"), "value must be one of \"a\", \"b\"");
    EXPECT_EQ(Messages(R"({"enum":["a"]})", R"("c")"), "value must be \"a\"");
    EXPECT_EQ(Messages(R"({"enum":[1,true,null]})", "2"), "value must be one of \"1\", true, <nil>");
    EXPECT_EQ(Messages(R"({"enum":[{"a":1}]})", "2"), "enum failed");
    EXPECT_EQ(Messages(R"({"enum":[1]})", "1.0"), "");  // numbers compare by value
    EXPECT_EQ(Only(R"({"enum":["a","b"]})", R"("c")").message_id, 4000001);

    Violation v = Only(R"({"const":"x"})", R"("y")");
    EXPECT_EQ(v.message, "value must be \"x\"");
    EXPECT_EQ(v.message_id, 4000029);
    EXPECT_EQ(v.text, "must be equal to constant \"x\"");
    EXPECT_EQ(v.context, json::parse(R"({"expected":"\"x\""})"));
    v = Only(R"({"const":{"a":[1]}})", R"({"a":[2]})");
    EXPECT_EQ(v.message, "const failed");
    EXPECT_EQ(v.message_id, 4000030);
    EXPECT_TRUE(v.context.is_null());
    EXPECT_EQ(Messages(R"({"const":{"a":[1]}})", R"({"a":[1.0]})"), "");
}

TEST(JsonSchema, ObjectKeywords) {
    Violation v = Only(R"({"required":["email"]})", "{}");
    EXPECT_EQ(v.message, "Property email is missing.");
    EXPECT_EQ(v.field, "email");
    EXPECT_EQ(v.pointer, "/email");
    EXPECT_EQ(v.message_id, 4000002);
    EXPECT_EQ(v.context, json::parse(R"({"property":"email"})"));
    // Kratos names the property by its escaped JSON pointer segment.
    EXPECT_EQ(Messages(R"({"required":["first name"]})", "{}"), "Property first%20name is missing.");
    EXPECT_EQ(Check(R"({"required":["a.b"]})", "{}").front().field, "a\\.b");

    v = Only(R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1,"y":2,"x":3})");
    EXPECT_EQ(v.message, "additionalProperties \"x\", \"y\" not allowed");
    EXPECT_EQ(v.field, "");
    EXPECT_EQ(Messages(R"({"patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false})",
                       R"({"x_a":"s","x_b":1})"),
              "expected string, but got number");
    EXPECT_EQ(Messages(R"({"additionalProperties":{"type":"integer"}})", R"({"a":1,"b":"2"})"),
              "expected integer, but got string");
    EXPECT_EQ(Messages(R"({"minProperties":2})", R"({"a":1})"), "minimum 2 properties allowed, but found 1 properties");
    EXPECT_EQ(Messages(R"({"maxProperties":0})", R"({"a":1})"), "maximum 0 properties allowed, but found 1 properties");
    EXPECT_EQ(Messages(R"({"dependencies":{"a":["b"]}})", R"({"a":1})"),
              "property \"b\" is required, if \"a\" property exists");
    EXPECT_EQ(Messages(R"({"dependencies":{"a":{"required":["c"]}}})", R"({"a":1})"), "Property c is missing.");
    EXPECT_EQ(Messages(R"({"propertyNames":{"maxLength":3}})", R"({"abcd":1})"), "length must be <= 3, but got 4");
}

TEST(JsonSchema, NestedPathsBecomeDottedFields) {
    auto v = Check(R"({"properties":{"traits":{"properties":{"name":{"required":["first"],
                        "properties":{"last":{"type":"string"}}}}}}})",
                   R"({"traits":{"name":{"last":5}}})");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].message, "Property first is missing.");
    EXPECT_EQ(v[0].field, "traits.name.first");
    EXPECT_EQ(v[0].pointer, "/traits/name/first");
    EXPECT_EQ(v[1].message, "expected string, but got number");
    EXPECT_EQ(v[1].field, "traits.name.last");
    auto items = Check(R"({"items":{"type":"string"}})", R"(["a",1])");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].field, "1");
    EXPECT_EQ(items[0].pointer, "/1");
    EXPECT_EQ(Check(R"({"properties":{"a/b~c":{"type":"string"}}})", R"({"a/b~c":1})").front().pointer, "/a~1b~0c");
}

TEST(JsonSchema, ArrayKeywords) {
    Violation v = Only(R"({"minItems":2})", "[1]");
    EXPECT_EQ(v.message, "minimum 2 items allowed, but found 1 items");
    EXPECT_EQ(v.message_id, 4000024);
    EXPECT_EQ(v.context, json::parse(R"({"min_items":2,"actual_items":1})"));
    v = Only(R"({"maxItems":1})", "[1,2]");
    EXPECT_EQ(v.message, "maximum 1 items allowed, but found 2 items");
    EXPECT_EQ(v.message_id, 4000023);
    v = Only(R"({"uniqueItems":true})", R"([1,"a",1.0])");
    EXPECT_EQ(v.message, "items at index 0 and 2 are equal");
    EXPECT_EQ(v.message_id, 4000025);
    EXPECT_EQ(v.context, json::parse(R"({"index_a":0,"index_b":2})"));
    EXPECT_EQ(Messages(R"({"uniqueItems":true})", R"([{"a":[1]},{"a":[1]},{"a":[2]}])"),
              "items at index 0 and 1 are equal");
    EXPECT_EQ(Messages(R"({"items":[{"type":"string"}],"additionalItems":false})", R"(["a","b"])"),
              "only 1 items are allowed, but found 2 items");
    EXPECT_EQ(Messages(R"({"items":[{"type":"string"}],"additionalItems":{"type":"integer"}})", R"(["a",1,"c"])"),
              "expected integer, but got string");
    EXPECT_EQ(Messages(R"({"contains":{"const":3}})", "[]"), "contains failed");
    EXPECT_EQ(Messages(R"({"contains":{"type":"string"}})", "[1]"), "expected string, but got number");
    EXPECT_EQ(Messages(R"({"contains":{"type":"string"}})", R"([1,"a"])"), "");
}

TEST(JsonSchema, CombinatorsReportLeafCauses) {
    EXPECT_EQ(Messages(R"({"anyOf":[{"minLength":5},{"pattern":"^a"}]})", R"("bc")"),
              "length must be >= 5, but got 2 | does not match pattern \"^a\"");
    EXPECT_EQ(Messages(R"({"anyOf":[{"minLength":5},{"pattern":"^b"}]})", R"("bc")"), "");
    EXPECT_EQ(Messages(R"({"allOf":[{"minLength":5},{"pattern":"^a"}]})", R"("bc")"),
              "length must be >= 5, but got 2 | does not match pattern \"^a\"");
    EXPECT_EQ(Messages(R"({"oneOf":[{"type":"string"},{"minLength":1}]})", R"("x")"),
              "valid against schemas at indexes 0 and 1");
    EXPECT_EQ(Messages(R"({"oneOf":[{"type":"string"},{"type":"integer"}]})", "true"),
              "expected string, but got boolean | expected integer, but got boolean");
    EXPECT_EQ(Messages(R"({"not":{"type":"string"}})", R"("x")"), "not failed");
    const char* conditional =
        R"({"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}})";
    EXPECT_EQ(Messages(conditional, R"({"kind":"a"})"), "Property a is missing.");
    EXPECT_EQ(Messages(conditional, R"({"kind":"z"})"), "Property b is missing.");
    EXPECT_EQ(Messages(R"({"if":{"const":1}})", "2"), "");  // if without then/else is ignored
    EXPECT_EQ(Messages("false", "1"), "always fail");
    EXPECT_EQ(Messages("true", "1"), "");
    EXPECT_EQ(Messages(R"({"x-unknown":{"type":"string"},"foo":5})", "1"), "");
}

TEST(JsonSchema, LocalReferences) {
    EXPECT_EQ(Messages(R"({"definitions":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/definitions/s"}}})",
                       R"({"a":1})"),
              "expected string, but got number");
    EXPECT_EQ(Messages(R"({"$defs":{"s":{"minLength":3}},"items":{"$ref":"#/$defs/s"}})", R"(["ab"])"),
              "length must be >= 3, but got 2");
    // Siblings of $ref are ignored (draft-07).
    EXPECT_EQ(Messages(R"({"definitions":{"s":{}},"properties":{"a":{"$ref":"#/definitions/s","type":"string"}}})",
                       R"({"a":1})"),
              "");
    // Recursive structures.
    const char* tree = R"({"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#"}},
                            "name":{"type":"string"}}})";
    EXPECT_EQ(Messages(tree, R"({"children":[{"children":[{"name":5}]}]})"), "expected string, but got number");
    // $id-based references and anchors within the document.
    EXPECT_EQ(Messages(R"({"$id":"https://example.com/root.json","definitions":{"n":{"$id":"#num","type":"number"},
                          "p":{"$id":"person.json","properties":{"age":{"$ref":"#/definitions/a"}},
                               "definitions":{"a":{"minimum":0}}}},
                          "properties":{"x":{"$ref":"#num"},"y":{"$ref":"https://example.com/root.json#/definitions/n"},
                                        "z":{"$ref":"person.json"}}})",
                       R"({"x":"1","y":"2","z":{"age":-1}})"),
              "expected number, but got string | expected number, but got string | must be >= 0 but found -1");
    EXPECT_EQ(Messages(R"({"definitions":{"a~b":{"type":"string"},"c d":{"type":"string"}},
                          "properties":{"x":{"$ref":"#/definitions/a~0b"},"y":{"$ref":"#/definitions/c%20d"}}})",
                       R"({"x":1,"y":2})"),
              "expected string, but got number | expected string, but got number");
}

TEST(JsonSchema, BadSchemasAreCompileErrors) {
    EXPECT_NE(CompileError(R"({"type":5})").find("\"type\""), std::string::npos);
    EXPECT_NE(CompileError(R"({"type":"strin"})").find("unknown type \"strin\""), std::string::npos);
    EXPECT_NE(CompileError(R"({"minLength":-1})").find("\"minLength\" must be a non-negative integer"),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"minLength":1.5})").find("non-negative integer"), std::string::npos);
    EXPECT_NE(CompileError(R"({"required":"x"})").find("\"required\""), std::string::npos);
    EXPECT_NE(CompileError(R"({"required":["a","a"]})").find("must not repeat"), std::string::npos);
    EXPECT_NE(CompileError(R"({"properties":{"a":{"pattern":"("}}})")
                  .find("\"pattern\" is not a valid regex: error parsing regexp: missing closing ): `(` (at "
                        "#/properties/a)"),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"patternProperties":{"[":{}}})").find("patternProperties"), std::string::npos);
    EXPECT_NE(CompileError(R"({"$ref":"#/definitions/missing"})").find("does not exist"), std::string::npos);
    EXPECT_NE(CompileError(R"({"$ref":"https://remote.example/x.json"})").find("cannot be resolved"),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"properties":{"a":5}})").find("(at #/properties/a)"), std::string::npos);
    EXPECT_NE(CompileError(R"({"multipleOf":0})").find("greater than 0"), std::string::npos);
    EXPECT_NE(CompileError(R"({"allOf":[]})").find("non-empty array"), std::string::npos);
    EXPECT_NE(CompileError(R"({"exclusiveMinimum":true})").find("must be a number"), std::string::npos);
    EXPECT_NE(CompileError(R"({"format":1})").find("\"format\" must be a string"), std::string::npos);
    EXPECT_NE(CompileError("[]").find("object or a boolean"), std::string::npos);
    std::string deep = R"({"type":"string"})";
    for (int i = 0; i < 200; ++i) deep = R"({"items":)" + deep + "}";
    EXPECT_NE(CompileError(deep).find("nested more than"), std::string::npos);
}

TEST(JsonSchema, ExtensionKeywordIsCheckedAgainstKratosMetaSchema) {
    EXPECT_EQ(CompileError(R"({"ory.sh/kratos":{"credentials":{"password":{"identifier":true}},
                               "verification":{"via":"email"},"recovery":{"via":"sms"}}})"),
              "");
    EXPECT_NE(CompileError(R"({"ory.sh/kratos":{"credentials":{"password":{"identifier":"yes"}}}})")
                  .find("credentials.password.identifier must be a boolean"),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"ory.sh/kratos":{"verification":{"via":"pigeon"}}})")
                  .find("verification.via must be one of \"email\", \"sms\""),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"ory.sh/kratos":{"foo":{}}})").find("does not allow the property \"foo\""),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"ory.sh/kratos":{"credentials":{"code":{"identifier":true}}}})")
                  .find("credentials.code.via must be set"),
              std::string::npos);
    EXPECT_NE(CompileError(R"({"properties":{"a":{"ory.sh/kratos":[]}}})").find("#/properties/a/ory.sh~1kratos"),
              std::string::npos);
}

TEST(JsonSchema, HostileSchemasAndInstancesStayBounded) {
    // A schema that refers to itself without consuming input is reported, not looped on.
    auto self = Check(R"({"$ref":"#"})", "1");
    ASSERT_EQ(self.size(), 1u);
    EXPECT_EQ(self[0].keyword, "$ref");
    EXPECT_FALSE(Check(R"({"allOf":[{"$ref":"#"}]})", "{}").empty());
    // 2^40 paths through a chain of anyOf: aborted by the step budget.
    std::string defs;
    for (int i = 0; i < 40; ++i)
        defs += "\"d" + std::to_string(i) + "\":{\"anyOf\":[{\"$ref\":\"#/definitions/d" + std::to_string(i + 1) +
                "\"},{\"$ref\":\"#/definitions/d" + std::to_string(i + 1) + "\"}]},";
    defs += R"("d40":{"type":"string"})";
    const auto start = std::chrono::steady_clock::now();
    auto v = Check(R"({"definitions":{)" + defs + R"(},"$ref":"#/definitions/d0"})", "5");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.back().message, "The document is too complex to validate against the identity schema.");
    // Deep instance against a recursive schema: a bounded number of frames, then an error.
    std::string deep = "1";
    for (int i = 0; i < 2000; ++i) deep = "[" + deep + "]";
    auto d = Check(R"({"type":"array","items":{"anyOf":[{"$ref":"#"},{"type":"integer"}]}})", deep);
    bool depth_reported = false;
    for (const auto& x : d) depth_reported = depth_reported || x.message.find("levels deep") != std::string::npos;
    EXPECT_TRUE(depth_reported);
    // uniqueItems over a long array is not quadratic.
    json many = json::array();
    for (int i = 0; i < 50000; ++i) many.push_back("item-" + std::to_string(i));
    auto s = MustCompile(R"({"uniqueItems":true})");
    EXPECT_TRUE(s->Validate(many, nullptr).empty());
    many.push_back("item-7");
    EXPECT_EQ(s->Validate(many, nullptr).front().message, "items at index 7 and 50000 are equal");
}

TEST(JsonSchema, DeeperThanIsIterative) {
    json v = json::array();
    for (int i = 0; i < 100000; ++i) v = json::array({std::move(v)});
    EXPECT_TRUE(DeeperThan(v, 256));
    EXPECT_FALSE(DeeperThan(json::parse(R"({"a":[{"b":1}]})"), 3));
    EXPECT_TRUE(DeeperThan(json::parse(R"({"a":[{"b":1}]})"), 2));
}

}  // namespace
}  // namespace bia::schema
