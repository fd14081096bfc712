#include <gtest/gtest.h>

#include "session/session.hpp"

namespace bia::session {
namespace {

AuthenticationMethod M(std::string method, std::string aal = "") { return {std::move(method), std::move(aal), {}, ""}; }

TEST(Aal, ComputedFromAuthenticationMethods) {
    EXPECT_EQ(ComputeAal({}), "aal0");
    EXPECT_EQ(ComputeAal({M("password")}), "aal1");
    EXPECT_EQ(ComputeAal({M("totp")}), "aal1");  // a second factor alone is aal1
    EXPECT_EQ(ComputeAal({M("password"), M("totp")}), "aal2");
    EXPECT_EQ(ComputeAal({M("oidc"), M("webauthn")}), "aal2");
    EXPECT_EQ(ComputeAal({M("link_recovery"), M("lookup_secret")}), "aal2");
    EXPECT_EQ(ComputeAal({M("password"), M("webauthn", "aal1")}), "aal1");  // explicit aal wins
}

identity::Identity WithCredentials(std::initializer_list<std::pair<std::string, nlohmann::json>> creds) {
    identity::Identity i;
    for (const auto& [type, config] : creds) {
        identity::Credential c;
        c.type = type;
        c.identifiers = {"x@example.com"};
        c.config = config;
        i.credentials.emplace(type, c);
    }
    return i;
}

TEST(Aal, AvailableFromCredentials) {
    EXPECT_EQ(AvailableAal(identity::Identity{}), "aal0");
    auto pw = WithCredentials({{"password", {{"hashed_password", "$2b$12$x"}}}});
    EXPECT_EQ(AvailableAal(pw), "aal1");
    auto empty_pw = WithCredentials({{"password", nlohmann::json::object()}});
    EXPECT_EQ(AvailableAal(empty_pw), "aal0");
    auto totp = WithCredentials({{"password", {{"hashed_password", "h"}}}, {"totp", {{"totp_url", "otpauth://x"}}}});
    EXPECT_EQ(AvailableAal(totp), "aal2");
    auto passwordless = WithCredentials({{"webauthn", {{"credentials", {{{"is_passwordless", true}}}}}}});
    EXPECT_EQ(AvailableAal(passwordless), "aal1");
    auto codes = WithCredentials({{"lookup_secret", {{"recovery_codes", {{{"code", "a"}}}}}}});
    EXPECT_EQ(AvailableAal(codes), "aal2");
}

TEST(Aal, SatisfiesRequiredLevel) {
    Session s;
    s.methods = {M("password")};
    auto pw = WithCredentials({{"password", {{"hashed_password", "h"}}}});
    auto totp = WithCredentials({{"password", {{"hashed_password", "h"}}}, {"totp", {{"totp_url", "u"}}}});
    EXPECT_TRUE(SatisfiesAal(s, pw, "aal1"));
    EXPECT_TRUE(SatisfiesAal(s, pw, "highest_available"));
    EXPECT_TRUE(SatisfiesAal(s, totp, "aal1"));
    EXPECT_FALSE(SatisfiesAal(s, totp, "highest_available"));
    s.methods.push_back(M("totp"));
    EXPECT_TRUE(SatisfiesAal(s, totp, "highest_available"));
    Session none;
    EXPECT_FALSE(SatisfiesAal(none, identity::Identity{}, "aal1"));
    EXPECT_FALSE(SatisfiesAal(none, identity::Identity{}, "highest_available"));
}

TEST(Session, ValidityChecksActiveExpiryAndIdentityState) {
    core::TimePoint now(std::chrono::seconds(1000));
    Session s;
    s.expires_at = now + std::chrono::seconds(1);
    EXPECT_TRUE(s.IsValidAt(now));
    EXPECT_FALSE(s.IsValidAt(now + std::chrono::seconds(1)));
    s.active = false;
    EXPECT_FALSE(s.IsValidAt(now));
    s.active = true;
    s.identity = identity::Identity{};
    s.identity->state = "inactive";
    EXPECT_FALSE(s.IsValidAt(now));
}

}  // namespace
}  // namespace bia::session
