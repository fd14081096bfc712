#include "schema/identity_schema.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bia::schema {
namespace {

using nlohmann::json;

std::string Fixture(const std::string& name) {
    const auto path = std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_FALSE(ss.str().empty()) << path;
    return ss.str();
}

std::unique_ptr<IdentitySchema> Parse(std::string_view text) {
    auto r = IdentitySchema::Parse("default", "base64://...", text);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
    return r.ok() ? std::move(r).value() : nullptr;
}

// The Kratos "email + password" preset: email identifier + name.first/last.
std::unique_ptr<IdentitySchema> Preset() { return Parse(Fixture("email-password.schema.json")); }
// Kratos's e2e profile schema: email, website, tos, age, consent, newsletter.
std::unique_ptr<IdentitySchema> Profile() { return Parse(Fixture("email-profile.schema.json")); }
std::unique_ptr<IdentitySchema> Rich() { return Parse(Fixture("rich.schema.json")); }

// A schema whose traits have exactly the given properties.
std::unique_ptr<IdentitySchema> WithTraits(std::string_view properties) {
    return Parse(R"({"type":"object","properties":{"traits":{"type":"object","properties":)" + std::string(properties) +
                 "}}}");
}

std::vector<std::string> Messages(const std::vector<Violation>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.field + ": " + x.message);
    return out;
}

using Strings = std::vector<std::string>;

TEST(IdentitySchema, MissingRequiredPropertyIsReportedOnItsOwnField) {
    auto s = Preset();
    auto v = s->ValidateTraits(json::object());
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, "traits.email");
    EXPECT_EQ(v[0].pointer, "/traits/email");
    EXPECT_EQ(v[0].message, "Property email is missing.");
    EXPECT_EQ(v[0].keyword, "required");
    EXPECT_EQ(v[0].message_id, 4000002);
    EXPECT_EQ(v[0].context, json::parse(R"({"property":"email"})"));
    EXPECT_EQ(v[0].text, "Property email is missing.");
}

TEST(IdentitySchema, PresetReportsFormatLengthTypeAndExtraProperties) {
    auto s = Preset();
    EXPECT_EQ(Messages(s->ValidateTraits(json::parse(R"({"email":"foo"})"))),
              Strings{"traits.email: \"foo\" is not valid \"email\""});
    // Go's order within one schema: format before the string keywords.
    EXPECT_EQ(Messages(s->ValidateTraits(json::parse(R"({"email":"ab"})"))),
              (Strings{"traits.email: \"ab\" is not valid \"email\"", "traits.email: length must be >= 3, but got 2"}));
    EXPECT_EQ(Messages(s->ValidateTraits(json::parse(R"({"email":"a@b.co","foo":1})"))),
              Strings{"traits: additionalProperties \"foo\" not allowed"});
    EXPECT_EQ(Messages(s->ValidateTraits(json::parse(R"({"email":"a@b.co","name":{"first":5}})"))),
              Strings{"traits.name.first: expected string, but got number"});
    EXPECT_EQ(Messages(s->ValidateTraits(json("x"))), Strings{"traits: expected object, but got string"});
    EXPECT_TRUE(s->ValidateTraits(json::parse(R"({"email":"a@b.co","name":{"first":"A","last":"B"}})")).empty());
}

TEST(IdentitySchema, ProfileSchemaMessages) {
    auto s = Profile();
    EXPECT_EQ(Messages(s->ValidateTraits(json::object())),
              (Strings{"traits.email: Property email is missing.", "traits.website: Property website is missing."}));
    EXPECT_EQ(Messages(s->ValidateTraits(json::parse(R"({"email":"a@b.co","website":"http://x"})"))),
              Strings{"traits.website: length must be >= 10, but got 8"});
    EXPECT_EQ(Messages(s->ValidateTraits(
                  json::parse(R"({"email":"a@b.co","website":"https://example.org","age":301,"tos":"yes"})"))),
              (Strings{"traits.tos: expected boolean, but got string", "traits.age: must be <= 300 but found 301"}));
    EXPECT_EQ(
        Messages(s->ValidateTraits(json::parse(R"({"email":"a@b.co","website":"https://example.org","age":"abc"})"))),
        Strings{"traits.age: expected number, but got string"});
}

TEST(IdentitySchema, RichSchemaMessages) {
    auto s = Rich();
    const json base = json::parse(R"({"email":"jane@example.com","name":{"first":"Jane"}})");
    auto with = [&](const char* patch) {
        json t = base;
        t.update(json::parse(patch));
        return Messages(s->ValidateTraits(t));
    };
    EXPECT_TRUE(s->ValidateTraits(base).empty());
    EXPECT_EQ(with(R"({"name":{}})"), Strings{"traits.name.first: Property first is missing."});
    EXPECT_EQ(with(R"({"age":1})"), Strings{"traits.age: must be >= 18 but found 1"});
    EXPECT_EQ(with(R"({"age":17.5})"), Strings{"traits.age: expected integer, but got number"});
    EXPECT_EQ(with(R"({"website":"not a url"})"), Strings{"traits.website: \"not a url\" is not valid \"uri\""});
    EXPECT_EQ(
        with(R"({"tags":["a","bb","bb","cc"]})"),
        (Strings{"traits.tags: maximum 3 items allowed, but found 4 items",
                 "traits.tags: items at index 1 and 2 are equal", "traits.tags.0: length must be >= 2, but got 1"}));
    EXPECT_EQ(with(R"({"username":"Bad Name"})"), Strings{"traits.username: does not match pattern \"^[a-z0-9_]+$\""});
    EXPECT_EQ(with(R"({"plan":"gold"})"), Strings{"traits.plan: value must be one of \"free\", \"pro\""});
    EXPECT_EQ(with(R"({"score":10})"), Strings{"traits.score: must be < 10 but found 10"});
    EXPECT_EQ(with(R"({"score":1.3})"), Strings{"traits.score: 1.3 not multipleOf 0.5"});
    EXPECT_EQ(with(R"({"birthday":"2020-13-01"})"), Strings{"traits.birthday: \"2020-13-01\" is not valid \"date\""});
    EXPECT_EQ(with(R"({"backup_emails":["nope"]})"),
              Strings{"traits.backup_emails.0: \"nope\" is not valid \"email\""});
    auto phone = s->ValidateTraits([&] {
        json t = base;
        t["phone"] = "123";
        return t;
    }());
    ASSERT_EQ(phone.size(), 1u);
    EXPECT_EQ(phone[0].message_id, 4000041);
    auto website = s->ValidateTraits([&] {
        json t = base;
        t["website"] = "nope";
        return t;
    }());
    ASSERT_EQ(website.size(), 1u);
    EXPECT_EQ(website[0].message_id, 4000001);
    EXPECT_EQ(website[0].context, json::parse(R"({"reason":"\"nope\" is not valid \"uri\""})"));
}

TEST(IdentitySchema, ExtensionsFromThePreset) {
    auto ext = Preset()->ExtractExtensions(json::parse(R"({"email":"Foo@Example.COM","name":{"first":"F"}})"));
    ASSERT_EQ(ext.identifiers.size(), 1u);
    EXPECT_EQ(ext.identifiers[0].first, "password");
    EXPECT_EQ(ext.identifiers[0].second, Strings{"foo@example.com"});
    ASSERT_EQ(ext.verification.size(), 1u);
    EXPECT_EQ(ext.verification[0].via, "email");
    EXPECT_EQ(ext.verification[0].value, "foo@example.com");
    ASSERT_EQ(ext.recovery.size(), 1u);
    EXPECT_EQ(ext.recovery[0].value, "foo@example.com");
    EXPECT_FALSE(ext.totp_account_name);
    ASSERT_NE(ext.IdentifiersFor("password"), nullptr);
    EXPECT_EQ(ext.IdentifiersFor("webauthn"), nullptr);
}

TEST(IdentitySchema, ExtensionsFromTheRichSchema) {
    auto ext = Rich()->ExtractExtensions(json::parse(
        R"({"email":"Jane@Example.com","username":"jane_doe","name":{"first":"J"},
            "backup_emails":["JANE@example.com","b@x.io","B@X.io"]})"));
    ASSERT_NE(ext.IdentifiersFor("password"), nullptr);
    EXPECT_EQ(*ext.IdentifiersFor("password"), (Strings{"jane@example.com", "jane_doe", "b@x.io"}));
    EXPECT_EQ(*ext.IdentifiersFor("webauthn"), Strings{"jane@example.com"});
    EXPECT_EQ(*ext.IdentifiersFor("code"), Strings{"jane@example.com"});
    ASSERT_EQ(ext.code_addresses.size(), 1u);
    EXPECT_EQ(ext.code_addresses[0].via, "email");
    EXPECT_EQ(ext.totp_account_name, "jane_doe");
    ASSERT_EQ(ext.verification.size(), 1u);
    ASSERT_EQ(ext.recovery.size(), 2u);
    EXPECT_EQ(ext.recovery[0].value, "jane@example.com");
    EXPECT_EQ(ext.recovery[1].value, "b@x.io");
}

TEST(IdentitySchema, ExtensionEdgeCases) {
    auto totp = WithTraits(R"({"u":{"type":"string","ory.sh/kratos":{"credentials":{"totp":{"account_name":true},
                                                                         "passkey":{"display_name":true}}}}})");
    auto ext = totp->ExtractExtensions(json::parse(R"({"u":"MixedCase"})"));
    EXPECT_EQ(ext.totp_account_name, "MixedCase");  // not lower-cased
    EXPECT_EQ(ext.passkey_display_name, "MixedCase");

    // Verification without a format: Kratos checks the value is an email address itself.
    auto verify = WithTraits(R"({"e":{"type":"string","ory.sh/kratos":{"verification":{"via":"email"}}}})");
    auto v = verify->ValidateTraits(json::parse(R"({"e":"nope"})"));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].message, "\"nope\" is not valid \"email\"");
    EXPECT_EQ(v[0].field, "traits.e");
    EXPECT_EQ(v[0].message_id, 4000040);
    EXPECT_TRUE(verify->ExtractExtensions(json::parse(R"({"e":"nope"})")).verification.empty());
    // net/mail accepts leading blanks; the stored address is trimmed and lower-cased.
    EXPECT_EQ(verify->ExtractExtensions(json::parse(R"({"e":"  A@B.co"})")).verification.at(0).value, "a@b.co");

    auto sms = WithTraits(R"({"p":{"type":"string","ory.sh/kratos":{"verification":{"via":"sms"}}}})");
    auto sv = sms->ValidateTraits(json::parse(R"({"p":"+4930123456"})"));
    ASSERT_EQ(sv.size(), 1u);
    EXPECT_NE(sv[0].message.find("no format specified"), std::string::npos);

    auto code = WithTraits(R"({"p":{"type":"string","format":"tel","ory.sh/kratos":{
                                     "credentials":{"code":{"identifier":true,"via":"sms"}},"recovery":{"via":"sms"}}}})");
    auto cx = code->ExtractExtensions(json::parse(R"({"p":"+49 30 1234567"})"));
    EXPECT_EQ(*cx.IdentifiersFor("code"), Strings{"+49301234567"});
    ASSERT_EQ(cx.code_addresses.size(), 1u);
    EXPECT_EQ(cx.code_addresses[0].via, "sms");
    ASSERT_EQ(cx.recovery.size(), 1u);
    EXPECT_EQ(cx.recovery[0].via, "sms");
    EXPECT_EQ(cx.recovery[0].value, "+49 30 1234567");

    // A type mismatch stops the extension on that value, as in Kratos.
    auto typed =
        WithTraits(R"({"e":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}}})");
    EXPECT_TRUE(typed->ExtractExtensions(json::parse(R"({"e":5})")).identifiers.empty());
    // Numbers are identifiers as Go prints them.
    auto untyped = WithTraits(R"({"e":{"ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}}})");
    EXPECT_EQ(*untyped->ExtractExtensions(json::parse(R"({"e":42})")).IdentifiersFor("password"), Strings{"42"});
}

TEST(IdentitySchema, FormFieldsOfThePresetInDocumentOrder) {
    auto s = Preset();
    const auto& f = s->FormFields();
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0].name, "traits.email");
    EXPECT_EQ(f[0].type, "email");
    EXPECT_EQ(f[0].json_type, "string");
    EXPECT_TRUE(f[0].required);
    EXPECT_EQ(f[0].title, "E-Mail");
    EXPECT_EQ(f[0].autocomplete, "email");
    EXPECT_FALSE(f[0].pattern);
    EXPECT_EQ(f[1].name, "traits.name.first");
    EXPECT_EQ(f[1].type, "text");
    EXPECT_FALSE(f[1].required);
    EXPECT_EQ(f[1].title, "First Name");
    EXPECT_FALSE(f[1].autocomplete);
    EXPECT_EQ(f[2].name, "traits.name.last");
}

TEST(IdentitySchema, FormFieldsOfTheProfileSchema) {
    Strings names, types;
    std::vector<bool> required;
    auto s = Profile();
    for (const auto& f : s->FormFields()) {
        names.push_back(f.name);
        types.push_back(f.type);
        required.push_back(f.required);
    }
    EXPECT_EQ(names, (Strings{"traits.email", "traits.website", "traits.tos", "traits.age", "traits.consent",
                              "traits.newsletter"}));
    EXPECT_EQ(types, (Strings{"email", "url", "checkbox", "number", "checkbox", "checkbox"}));
    EXPECT_EQ(required, (std::vector<bool>{true, true, false, false, false, false}));
    EXPECT_EQ(Profile()->FormFields()[1].autocomplete, "url");
}

TEST(IdentitySchema, FormFieldsOfTheRichSchema) {
    auto s = Rich();
    Strings names;
    std::map<std::string, FormField> by_name;
    for (const auto& f : s->FormFields()) {
        names.push_back(f.name);
        by_name[f.name] = f;
    }
    EXPECT_EQ(names,
              (Strings{"traits.email", "traits.username", "traits.name.first", "traits.name.last", "traits.website",
                       "traits.age", "traits.birthday", "traits.last_seen", "traits.phone", "traits.newsletter",
                       "traits.tags", "traits.backup_emails", "traits.plan", "traits.score"}));
    EXPECT_EQ(by_name["traits.username"].pattern, "^[a-z0-9_]+$");
    EXPECT_EQ(by_name["traits.age"].type, "number");
    EXPECT_EQ(by_name["traits.age"].json_type, "integer");
    EXPECT_EQ(by_name["traits.birthday"].type, "date");
    EXPECT_EQ(by_name["traits.last_seen"].type, "datetime-local");
    EXPECT_FALSE(by_name["traits.last_seen"].title);
    EXPECT_EQ(by_name["traits.phone"].type, "tel");
    EXPECT_EQ(by_name["traits.phone"].autocomplete, "tel");
    EXPECT_EQ(by_name["traits.newsletter"].type, "checkbox");
    EXPECT_EQ(by_name["traits.tags"].type, "text");
    EXPECT_EQ(by_name["traits.tags"].json_type, "array");
    EXPECT_EQ(by_name["traits.tags"].item_type, "string");  // items via $ref
    EXPECT_EQ(by_name["traits.score"].type, "number");
    EXPECT_TRUE(by_name["traits.name.first"].required);
    EXPECT_FALSE(by_name["traits.name.last"].required);
    EXPECT_TRUE(by_name["traits.email"].required);
}

TEST(IdentitySchema, PropertyPathsAndSortKeys) {
    auto s = Preset();
    EXPECT_EQ(s->PropertyPaths(),
              (Strings{"traits", "traits.email", "traits.name", "traits.name.first", "traits.name.last"}));
    EXPECT_EQ(s->NodeSortKeys(), (Strings{"traits.email", "traits.name.first", "traits.name.last"}));
    EXPECT_EQ(Profile()->NodeSortKeys(), (Strings{"traits.email", "traits.website", "traits.tos", "traits.age",
                                                  "traits.consent", "traits.newsletter"}));
    // Sort keys do not descend where "type" is not "object"; dots in names are escaped.
    auto odd = WithTraits(R"({"a.b":{"type":"string"},"n":{"properties":{"x":{}}}})");
    EXPECT_EQ(odd->NodeSortKeys(), (Strings{"traits.a\\.b", "traits.n"}));
    EXPECT_EQ(odd->PropertyPaths(), (Strings{"traits", "traits.a.b", "traits.n", "traits.n.x"}));
    // Property paths follow local references (and stop at cycles).
    auto refs = Parse(R"({"definitions":{"name":{"type":"object","properties":{"first":{"type":"string"},
                          "next":{"$ref":"#/definitions/name"}}}},
                          "type":"object","properties":{"traits":{"type":"object","properties":{
                          "name":{"$ref":"#/definitions/name"}}}}})");
    EXPECT_EQ(refs->PropertyPaths(), (Strings{"traits", "traits.name", "traits.name.first", "traits.name.next"}));
    ASSERT_EQ(refs->FormFields().size(), 1u);
    EXPECT_EQ(refs->FormFields()[0].name, "traits.name.first");
}

TEST(IdentitySchema, TypeAtForBodyCoercion) {
    auto s = Rich();
    EXPECT_EQ(s->TypeAt("traits"), "object");
    EXPECT_EQ(s->TypeAt("traits.email"), "string");
    EXPECT_EQ(s->TypeAt("traits.name"), "object");
    EXPECT_EQ(s->TypeAt("traits.name.first"), "string");
    EXPECT_EQ(s->TypeAt("traits.age"), "integer");
    EXPECT_EQ(s->TypeAt("traits.score"), "number");
    EXPECT_EQ(s->TypeAt("traits.newsletter"), "boolean");
    EXPECT_EQ(s->TypeAt("traits.tags"), "array");
    EXPECT_EQ(s->TypeAt("traits.nope"), std::nullopt);
    auto nullable = WithTraits(R"({"n":{"type":["integer","null"]},"c":{"const":true}})");
    EXPECT_EQ(nullable->TypeAt("traits.n"), "integer");
    EXPECT_EQ(nullable->TypeAt("traits.c"), "boolean");
    EXPECT_TRUE(nullable->FormFields().size() == 1u && nullable->FormFields()[0].name == "traits.c");
}

TEST(IdentitySchema, RawKeepsTheDocument) {
    auto s = Preset();
    EXPECT_EQ(s->raw()["title"], "Person");
    EXPECT_EQ(s->id(), "default");
    EXPECT_EQ(s->url(), "base64://...");
}

TEST(IdentitySchema, BadDocumentsAreErrors) {
    EXPECT_NE(IdentitySchema::Parse("x", "u", "{").error().reason.find("not valid JSON"), std::string::npos);
    EXPECT_NE(IdentitySchema::Parse("x", "u", "{\"a\":\"\xff\"}").error().reason.find("not valid JSON"),
              std::string::npos);
    EXPECT_NE(IdentitySchema::Parse("x", "u", R"({"properties":{"traits":{"minLength":"3"}}})")
                  .error()
                  .reason.find("(at #/properties/traits)"),
              std::string::npos);
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    EXPECT_NE(IdentitySchema::Parse("x", "u", deep).error().reason.find("nested more than"), std::string::npos);
}

TEST(IdentitySchema, HostileSchemasLoadAndValidateInBoundedTime) {
    // 2^40 ways through a chain of allOf references, and a 3,000-long chain of plain ones.
    std::string defs;
    for (int i = 0; i < 40; ++i)
        defs += "\"d" + std::to_string(i) + "\":{\"allOf\":[{\"$ref\":\"#/definitions/d" + std::to_string(i + 1) +
                "\"},{\"$ref\":\"#/definitions/d" + std::to_string(i + 1) + "\"}]},";
    defs += R"("d40":{"type":"string"},)";
    for (int i = 0; i < 3000; ++i)
        defs += "\"c" + std::to_string(i) + "\":{\"$ref\":\"#/definitions/c" + std::to_string(i + 1) + "\"},";
    defs += R"("c3000":{"type":"string"})";
    const auto start = std::chrono::steady_clock::now();
    auto s = Parse(R"({"definitions":{)" + defs + R"(},"type":"object","properties":{"traits":{"type":"object",
                   "properties":{"x":{"$ref":"#/definitions/d0"},"y":{"$ref":"#/definitions/c0"}}}}})");
    ASSERT_TRUE(s);
    auto v = s->ValidateTraits(json::parse(R"({"x":5,"y":6})"));
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.back().message, "The document is too complex to validate against the identity schema.");
    auto y = s->ValidateTraits(json::parse(R"({"y":6})"));
    ASSERT_EQ(y.size(), 1u);
    EXPECT_NE(y[0].message.find("levels deep"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(IdentitySchema, HostileTraitsNeverCrash) {
    auto s = Preset();
    // 10,000 levels of nesting.
    const std::string deep = std::string(10000, '[') + std::string(10000, ']');
    json traits = json::object();
    traits["email"] = "a@b.co";
    traits["deep"] = json::parse(deep);
    auto v = s->ValidateTraits(traits);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, "traits");
    EXPECT_NE(v[0].message.find("nested more than 256 levels"), std::string::npos);
    EXPECT_TRUE(s->ExtractExtensions(traits).identifiers.empty());
    // Huge and invalid strings.
    const auto start = std::chrono::steady_clock::now();
    auto huge = s->ValidateTraits(json{{"email", std::string(1 << 20, 'a') + "@b.co"}});
    ASSERT_EQ(huge.size(), 1u);
    EXPECT_EQ(huge[0].keyword, "format");
    auto user = Rich()->ValidateTraits(
        json{{"email", "a@b.co"}, {"name", {{"first", "x"}}}, {"username", std::string(1 << 20, 'a')}});
    ASSERT_EQ(user.size(), 1u);
    EXPECT_EQ(user[0].message, "length must be <= 20, but got 1048576");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    auto bad = s->ValidateTraits(json{{"email", "\xff\xfe@b.co"}});
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_EQ(bad[0].message, "\"\\xff\\xfe@b.co\" is not valid \"email\"");
    json odd = json::object();
    odd["email"] = "a@b.co";
    odd["\xff"] = 1;
    auto named = s->ValidateTraits(odd);
    ASSERT_EQ(named.size(), 1u);
    EXPECT_NO_THROW((void)json(named[0].message).dump());
    EXPECT_NO_THROW((void)json(named[0].field).dump());
}

}  // namespace
}  // namespace bia::schema
