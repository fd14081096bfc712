#include <gtest/gtest.h>

#include "session/aal.hpp"
#include "session/session.hpp"

namespace bia::session {
namespace {

AuthenticationMethod M(std::string method, std::string aal = "") { return {std::move(method), std::move(aal), {}, ""}; }

TEST(Aal, ComputedFromAuthenticationMethods) {
    EXPECT_EQ(ComputeAal({}), "aal0");
    EXPECT_EQ(ComputeAal({M("password", "aal1")}), "aal1");
    EXPECT_EQ(ComputeAal({M("totp", "aal2")}), "aal1");  // a second factor alone is aal1
    EXPECT_EQ(ComputeAal({M("password", "aal1"), M("totp", "aal2")}), "aal2");
    EXPECT_EQ(ComputeAal({M("password", "aal1"), M("webauthn", "aal1")}), "aal1");  // a passwordless key
    // An entry without its AAL (Bia always writes one) counts as aal1.
    EXPECT_EQ(ComputeAal({M("link_recovery"), M("lookup_secret", "aal2")}), "aal2");
    EXPECT_EQ(ComputeAal({M("totp")}), "aal1");
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

// Rules as modules declare them: here a password-like first factor and a totp-like second one.
AalRules TwoRules() {
    AalRules rules;
    rules.Add("password", [](const identity::Credential& c) {
        return FactorCount{c.config.contains("hashed_password") ? 1 : 0, 0};
    });
    rules.Add("totp", [](const identity::Credential& c) {
        return FactorCount{0, c.config.contains("totp_url") ? 1 : 0};
    });
    return rules;
}

TEST(Aal, AvailableFromTheRulesOfEachCredentialType) {
    const AalRules rules = TwoRules();
    EXPECT_EQ(rules.Available(identity::Identity{}), "aal0");
    auto pw = WithCredentials({{"password", {{"hashed_password", "$2b$12$x"}}}});
    EXPECT_EQ(rules.Available(pw), "aal1");
    EXPECT_EQ(rules.Available(WithCredentials({{"password", nlohmann::json::object()}})), "aal0");
    auto totp = WithCredentials({{"password", {{"hashed_password", "h"}}}, {"totp", {{"totp_url", "otpauth://x"}}}});
    EXPECT_EQ(rules.Available(totp), "aal2");
    EXPECT_EQ(rules.Count(totp).first, 1);
    EXPECT_EQ(rules.Count(totp).second, 1);
    // A type without a rule counts nothing; a later rule for a type replaces the earlier one.
    EXPECT_EQ(rules.Available(WithCredentials({{"lookup_secret", {{"recovery_codes", {"a"}}}}})), "aal0");
    AalRules replaced = TwoRules();
    replaced.Add("totp", [](const identity::Credential&) { return FactorCount{}; });
    EXPECT_EQ(replaced.Available(totp), "aal1");
    EXPECT_EQ(AalRules{}.Available(totp), "aal0") << "no rules, nothing available";
}

TEST(Aal, SatisfiesRequiredLevel) {
    const AalRules rules = TwoRules();
    Session s;
    s.methods = {M("password", "aal1")};
    auto pw = WithCredentials({{"password", {{"hashed_password", "h"}}}});
    auto totp = WithCredentials({{"password", {{"hashed_password", "h"}}}, {"totp", {{"totp_url", "u"}}}});
    EXPECT_TRUE(rules.Satisfied(s, pw, "aal1"));
    EXPECT_TRUE(rules.Satisfied(s, pw, "highest_available"));
    EXPECT_TRUE(rules.Satisfied(s, totp, "aal1"));
    EXPECT_FALSE(rules.Satisfied(s, totp, "highest_available"));
    s.methods.push_back(M("totp", "aal2"));
    EXPECT_TRUE(rules.Satisfied(s, totp, "highest_available"));
    Session none;
    EXPECT_FALSE(rules.Satisfied(none, identity::Identity{}, "aal1"));
    EXPECT_FALSE(rules.Satisfied(none, identity::Identity{}, "highest_available"));
}

}  // namespace
}  // namespace bia::session
