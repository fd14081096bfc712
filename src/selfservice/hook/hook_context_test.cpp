#include "selfservice/hook/hook_context.hpp"

#include <gtest/gtest.h>

namespace bia::selfservice::hook {
namespace {

using nlohmann::json;

TEST(HookContext, CanonicalHeaderKeyFollowsGo) {
    EXPECT_EQ(CanonicalHeaderKey("x-api-key"), "X-Api-Key");
    EXPECT_EQ(CanonicalHeaderKey("USER-AGENT"), "User-Agent");
    EXPECT_EQ(CanonicalHeaderKey("sec-ch-ua-mobile"), "Sec-Ch-Ua-Mobile");
    EXPECT_EQ(CanonicalHeaderKey("bad key"), "bad key");  // not a token: left alone
}

TEST(HookContext, HasKratosFieldsAndOnlyAllowListedHeaders) {
    HookRequest req;
    req.method = "POST";
    req.url = "https://auth.example.com/self-service/settings?flow=f1";
    req.headers = {{"user-agent", "ua/1"},
                   {"Cookie", "ory_kratos_session=s3cret"},
                   {"Authorization", "Bearer t0ken"},
                   {"accept", "application/json"},
                   {"Accept", "text/html"},
                   {"X-Session-Token", "t0ken"}};
    req.cookies = {{"ory_kratos_session", "s3cret"}, {"csrf", "c"}};
    const json flow = {{"id", "f1"}, {"type", "browser"}};
    const json identity = {{"id", "i1"},
                           {"traits", {{"email", "a@example.com"}}},
                           {"credentials", {{"password", {{"config", {{"hashed_password", "$2a$..."}}}}}}},
                           {"metadata_admin", {{"x", 1}}},
                           {"metadata_public", {{"y", 2}}}};
    const json session = {{"id", "s1"}, {"identity", identity}};

    const json ctx = BuildContext(flow, identity, session, req);
    EXPECT_EQ(ctx["flow"], flow);
    EXPECT_EQ(ctx["request_method"], "POST");
    EXPECT_EQ(ctx["request_url"], req.url);
    EXPECT_EQ(ctx["request_headers"], (json{{"User-Agent", {"ua/1"}}, {"Accept", {"application/json", "text/html"}}}));
    EXPECT_EQ(ctx["request_cookies"], (json{{"ory_kratos_session", "s3cret"}, {"csrf", "c"}}));
    EXPECT_EQ(ctx["identity"]["traits"]["email"], "a@example.com");
    EXPECT_EQ(ctx["identity"]["metadata_public"]["y"], 2);
    EXPECT_FALSE(ctx["identity"].contains("credentials"));
    EXPECT_FALSE(ctx["identity"].contains("metadata_admin"));
    EXPECT_FALSE(ctx["session"]["identity"].contains("credentials"));
    EXPECT_FALSE(ctx["session"]["identity"].contains("metadata_admin"));
    EXPECT_EQ(ctx["session"]["id"], "s1");
}

TEST(HookContext, OmitsIdentityAndSessionWhenAbsent) {
    const json ctx = BuildContext(json{{"id", "f"}}, nullptr, nullptr, HookRequest{"GET", "https://x/", {}, {}});
    EXPECT_FALSE(ctx.contains("identity"));
    EXPECT_FALSE(ctx.contains("session"));
    EXPECT_EQ(ctx["request_headers"], json::object());
    EXPECT_EQ(ctx["request_cookies"], json::object());
}

TEST(HookContext, CustomAllowListIsCanonicalised) {
    HookRequest req{"POST", "https://x/", {{"x-forwarded-for", "1.2.3.4"}, {"User-Agent", "ua"}}, {}};
    const json ctx = BuildContext(nullptr, nullptr, nullptr, req, {"x-FORWARDED-for"});
    EXPECT_EQ(ctx["request_headers"], (json{{"X-Forwarded-For", {"1.2.3.4"}}}));
}

}  // namespace
}  // namespace bia::selfservice::hook
