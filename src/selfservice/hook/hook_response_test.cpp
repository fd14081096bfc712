#include "selfservice/hook/hook_response.hpp"

#include <gtest/gtest.h>

namespace bia::selfservice::hook {
namespace {

using nlohmann::json;

TEST(HookResponse, RejectionCarriesMessagesPerField) {
    const std::string body = R"({"messages":[{"instance_ptr":"#/traits/email","messages":[
        {"id":1234,"text":"taken","type":"error","context":{"value":"a@b"}},
        {"id":5,"text":"note","type":"weird"}]}]} trailing bytes are ignored)";
    auto r = ParseRejection(body);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].instance_ptr, "#/traits/email");
    ASSERT_EQ((*r)[0].messages.size(), 2u);
    EXPECT_EQ((*r)[0].messages[0].id, 1234);
    EXPECT_EQ((*r)[0].messages[0].text, "taken");
    EXPECT_EQ((*r)[0].messages[0].type, "error");
    EXPECT_EQ((*r)[0].messages[0].context, (json{{"value", "a@b"}}));
    EXPECT_EQ((*r)[0].messages[1].type, "info");  // anything but "error" is info, as Kratos
    EXPECT_TRUE((*r)[0].messages[1].context.is_null());
}

TEST(HookResponse, RejectionWithoutEntriesOrUndecodableIsAnError) {
    for (const char* body : {"", "not json", R"({"messages":[]})", "null", R"({"messages":"x"})",
                             R"({"messages":[{"messages":[{"id":1.5}]}]})"}) {
        auto r = ParseRejection(body);
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().code, 500) << body;
    }
}

TEST(HookResponse, NodeNameIsDotNotation) {
    EXPECT_EQ(NodeNameOf("#/traits/email"), "traits.email");
    EXPECT_EQ(NodeNameOf("#/traits/a~1b/c.d"), "traits.a/b.c\\.d");
    EXPECT_EQ(NodeNameOf("#/"), "");
    EXPECT_EQ(NodeNameOf("traits.email"), "traits.email");  // not a local pointer: kept
}

TEST(HookResponse, IdentityPatchKeepsWhatKratosApplies) {
    auto r = ParseIdentityPatch(R"({"identity":{
        "traits":{"email":"new@example.com"},"schema_id":"","state":"inactive",
        "verifiable_addresses":[],"recovery_addresses":[{"value":"r@example.com","via":"email"}],
        "metadata_public":{"plan":"pro"},"metadata_admin":null,"credentials":{"x":1}}})");
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(*r, (json{{"traits", {{"email", "new@example.com"}}},
                        {"state", "inactive"},
                        {"recovery_addresses", {{{"value", "r@example.com"}, {"via", "email"}}}},
                        {"metadata_public", {{"plan", "pro"}}},
                        {"metadata_admin", nullptr}}));
}

TEST(HookResponse, IdentityPatchEmptyOrInvalid) {
    EXPECT_EQ(ParseIdentityPatch("{}").value(), json::object());
    EXPECT_EQ(ParseIdentityPatch(R"({"identity":null})").value(), json::object());
    for (const char* body : {"", "{", "[]", R"({"identity":"x"})", R"({"identity":{"schema_id":1}})",
                             R"({"identity":{"verifiable_addresses":{}}})"}) {
        auto r = ParseIdentityPatch(body);
        EXPECT_FALSE(r.ok()) << body;
    }
}

TEST(HookResponse, ToJsonRoundTrips) {
    std::vector<HookValidation> v = {{"#/traits/email", {{7, "t", "error", json{{"k", 1}}}}}};
    auto back = ParseRejection(ToJson(v).dump());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(ToJson(*back), ToJson(v));
}

}  // namespace
}  // namespace bia::selfservice::hook
