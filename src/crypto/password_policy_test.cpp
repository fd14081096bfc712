#include "crypto/password_policy.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <map>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "crypto/identifier_similarity.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {
namespace {

using namespace std::chrono_literals;

// SHA-1("password") = 5BAA6 1E4C9B93F3F0682250B6CF8331B7EE68FD8 (prefix / suffix).
constexpr const char* kBreachedPassword = "password";
constexpr const char* kBreachedSuffix = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";
// Two passwords sharing the SHA-1 prefix 85FF2 (found offline by search).
constexpr const char* kSamePrefixA = "unrelated-829";   // 85FF204FE8C7CF9A8BF880414C7BD31F7108DD5F
constexpr const char* kSamePrefixB = "unrelated-1167";  // 85FF271FEB94056C3833106EF6AAE934A7BE8CA7

class FakeRangeSource final : public PwnedRangeSource {
  public:
    core::Result<PwnedRangeResponse> FetchRange(std::string_view host, std::string_view prefix) override {
        requests.emplace_back(std::string(host) + " " + std::string(prefix));
        if (fail_network) return core::Error(502, "connection refused");
        auto it = bodies.find(std::string(prefix));
        return PwnedRangeResponse{status, it == bodies.end() ? "" : it->second};
    }
    std::map<std::string, std::string> bodies;
    long status = 200;
    bool fail_network = false;
    std::vector<std::string> requests;
};

using CheckResult = core::Result<std::optional<PasswordViolation>>;

// Check's answer when it must not be an error.
std::optional<PasswordViolation> Outcome(CheckResult r) {
    if (!r) {
        ADD_FAILURE() << "unexpected error " << r.error().code << ": " << r.error().reason;
        return std::nullopt;
    }
    return std::move(r).value();
}

// Check's answer when it must be a violation (a recorded failure and an empty one otherwise).
PasswordViolation Violation(CheckResult r) {
    auto v = Outcome(std::move(r));
    if (!v) {
        ADD_FAILURE() << "expected a violation, the password was accepted";
        return PasswordViolation{PasswordViolation::Rule::kMinLength};
    }
    return std::move(*v);
}

bool Accepted(CheckResult r) { return !Outcome(std::move(r)).has_value(); }

struct PolicyTest : ::testing::Test {
    PasswordPolicy Make(PasswordPolicyOptions o = {}) { return PasswordPolicy(std::move(o), source, clock); }
    FakeRangeSource source;
    core::FakeClock clock;
};

TEST_F(PolicyTest, AcceptsAGoodPassword) {
    source.bodies["ABF7A"] = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n";
    auto policy = Make();
    EXPECT_TRUE(Accepted(policy.Check("correct horse battery staple", {"john.doe@example.com"})));
    ASSERT_EQ(source.requests.size(), 1u);
    EXPECT_EQ(source.requests[0], "api.pwnedpasswords.com ABF7A");
}

TEST_F(PolicyTest, MinimumLengthCountsBytes) {
    auto policy = Make({.min_length = 8});
    const PasswordViolation v = Violation(policy.Check("short", {"a@b.c"}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kMinLength);
    EXPECT_EQ(v.reason, "password length must be at least 8 characters but only got 5");
    EXPECT_EQ(v.GenericText(),
              "The password can not be used because password length must be at least 8 characters but only got 5.");
    EXPECT_EQ(v.GenericContext(), nlohmann::json({{"reason", v.reason}}));
    EXPECT_EQ(v.message_id, 4000032);
    EXPECT_EQ(v.text, "The password must be at least 8 characters long, but got 5.");
    EXPECT_EQ(v.context, nlohmann::json({{"min_length", 8}, {"actual_length", 5}}));
    EXPECT_TRUE(source.requests.empty()) << "a length failure stops before the breach lookup";
    // Four 2-byte characters are 8 bytes: long enough.
    EXPECT_TRUE(Accepted(Make({.min_length = 8, .hibp_enabled = false}).Check("ääää", {"a@b.c"})));
    EXPECT_FALSE(Accepted(Make({.min_length = 9, .hibp_enabled = false}).Check("ääää", {"a@b.c"})));
}

TEST_F(PolicyTest, RejectsPasswordsSimilarToAnyIdentifier) {
    auto policy = Make({.hibp_enabled = false});
    const PasswordViolation v = Violation(policy.Check("John.Doe@Example.com!", {"john.doe@example.com"}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kTooSimilar);
    EXPECT_EQ(v.reason, "the password is too similar to the user identifier");
    EXPECT_EQ(v.message_id, 4000031);
    EXPECT_EQ(v.text, "The password can not be used because it is too similar to the identifier.");
    // Any identifier counts, not only the first.
    EXPECT_EQ(Violation(policy.Check("johnsmith1984", {"someone@example.com", "johnsmith"})).rule,
              PasswordViolation::Rule::kTooSimilar);
    // Disabled → accepted.
    EXPECT_TRUE(Accepted(Make({.identifier_similarity = false, .hibp_enabled = false})
                             .Check("john.doe@example.com", {"john.doe@example.com"})));
    // No identifiers → no similarity check.
    EXPECT_TRUE(Accepted(policy.Check("john.doe@example.com", {})));
}

TEST_F(PolicyTest, RejectsBreachedPasswordsOverTheThreshold) {
    source.bodies["5BAA6"] = std::string("0018A45C4D1DEF81644B54AB7F969B88D65:3\n") + kBreachedSuffix + ":10434004\n";
    const PasswordViolation v = Violation(Make().Check(kBreachedPassword, {"a@b.c"}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kBreached);
    EXPECT_EQ(v.reason, "the password has been found in data breaches and must no longer be used");
    EXPECT_EQ(v.message_id, 4000034);
    EXPECT_EQ(v.text, "The password has been found in data breaches and must no longer be used.");
    EXPECT_EQ(v.context, nlohmann::json({{"breaches", 10434004}}));

    // max_breaches is an inclusive allowance.
    EXPECT_TRUE(Accepted(Make({.max_breaches = 10434004}).Check(kBreachedPassword, {"a@b.c"})));
    EXPECT_FALSE(Accepted(Make({.max_breaches = 10434003}).Check(kBreachedPassword, {"a@b.c"})));
}

TEST_F(PolicyTest, ReadsTheRangeFormatLeniently) {
    // Lower-case suffix, CRLF, blank lines; a line without ":COUNT" counts as one breach.
    std::string lower = kBreachedSuffix;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    source.bodies["5BAA6"] = "\r\n" + lower + "\r\n\r\n";
    const PasswordViolation v = Violation(Make().Check(kBreachedPassword, {"a@b.c"}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kBreached);
    EXPECT_EQ(v.context["breaches"], 1);
}

TEST_F(PolicyTest, MalformedCountIsAServerError) {
    source.bodies["5BAA6"] = std::string(kBreachedSuffix) + ":lots\n";
    auto r = Make().Check(kBreachedPassword, {"a@b.c"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 500);
    EXPECT_EQ(r.error().reason, "Expected password hash to contain a count formatted as int but got: lots");
}

TEST_F(PolicyTest, CachesTheWholeRangeForAnHour) {
    source.bodies["85FF2"] = "04FE8C7CF9A8BF880414C7BD31F7108DD5F:2\n71FEB94056C3833106EF6AAE934A7BE8CA7:0\n";
    auto policy = Make();
    EXPECT_FALSE(Accepted(policy.Check(kSamePrefixA, {})));
    EXPECT_TRUE(Accepted(policy.Check(kSamePrefixB, {})));
    EXPECT_FALSE(Accepted(policy.Check(kSamePrefixA, {})));
    EXPECT_EQ(source.requests.size(), 1u) << "the second password shares the cached range";
    EXPECT_EQ(policy.CachedRanges(), 1u);

    clock.Advance(59min);
    EXPECT_FALSE(Accepted(policy.Check(kSamePrefixA, {})));
    EXPECT_EQ(source.requests.size(), 1u);
    clock.Advance(1min);
    source.bodies["85FF2"] = "";  // the service no longer lists it
    EXPECT_TRUE(Accepted(policy.Check(kSamePrefixA, {})));
    EXPECT_EQ(source.requests.size(), 2u);
}

TEST_F(PolicyTest, CacheIsBounded) {
    auto policy = Make({.hibp_cache_max_ranges = 2});
    EXPECT_TRUE(Accepted(policy.Check("first password", {})));
    clock.Advance(1s);
    EXPECT_TRUE(Accepted(policy.Check("second password", {})));
    clock.Advance(1s);
    EXPECT_TRUE(Accepted(policy.Check("third password", {})));
    EXPECT_EQ(policy.CachedRanges(), 2u);
    EXPECT_TRUE(Accepted(policy.Check("third password", {})));
    EXPECT_TRUE(Accepted(policy.Check("second password", {})));
    EXPECT_EQ(source.requests.size(), 3u);
    EXPECT_TRUE(Accepted(policy.Check("first password", {})));  // the oldest was evicted
    EXPECT_EQ(source.requests.size(), 4u);
}

TEST_F(PolicyTest, NetworkErrorsAreIgnoredByDefaultAndNotCached) {
    source.fail_network = true;
    auto policy = Make();
    EXPECT_TRUE(Accepted(policy.Check(kBreachedPassword, {})));
    EXPECT_TRUE(Accepted(policy.Check(kBreachedPassword, {})));
    EXPECT_EQ(source.requests.size(), 2u);
    source.fail_network = false;
    source.status = 503;
    EXPECT_TRUE(Accepted(policy.Check(kBreachedPassword, {})));
    EXPECT_EQ(policy.CachedRanges(), 0u);
}

TEST_F(PolicyTest, NetworkErrorsBecomeAViolationWhenNotIgnored) {
    source.fail_network = true;
    auto policy = Make({.ignore_network_errors = false});
    const PasswordViolation v = Violation(policy.Check(kBreachedPassword, {}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kBreachCheckFailed);
    EXPECT_EQ(v.reason,
              "unable to check if password has been leaked because an unexpected network error occurred: "
              "connection refused");
    EXPECT_EQ(v.message_id, 4000005);
    EXPECT_EQ(v.text, v.GenericText());
    EXPECT_EQ(v.context, v.GenericContext());

    source.fail_network = false;
    source.status = 429;
    EXPECT_EQ(Violation(policy.Check(kBreachedPassword, {})).reason, "unexpected status code: 429");
}

TEST_F(PolicyTest, BcryptLimitAppliesOnlyWhenBcryptHashes) {
    const std::string pw73(73, 'z');
    const PasswordViolation v = Violation(Make({.hibp_enabled = false}).Check(pw73, {"a@b.c"}));
    EXPECT_EQ(v.rule, PasswordViolation::Rule::kMaxLength);
    EXPECT_EQ(v.reason, "passwords are limited to a maximum length of 72 characters");
    EXPECT_EQ(v.message_id, 4000033);
    EXPECT_EQ(v.text, "The password must be at most 72 characters long, but got 73.");
    EXPECT_EQ(v.context, nlohmann::json({{"max_length", 72}, {"actual_length", 73}}));
    EXPECT_TRUE(Accepted(Make({.hibp_enabled = false, .bcrypt_in_use = false}).Check(pw73, {"a@b.c"})));
    EXPECT_TRUE(Accepted(Make({.hibp_enabled = false}).Check(std::string(72, 'z'), {"a@b.c"})));
}

// Issue 13: a 1 MB password with a 250-character identifier cost ~0.8 s of CPU in the similarity
// check, unauthenticated; over kMaxPasswordBytes nothing but the length is looked at.
TEST_F(PolicyTest, OverlongPasswordIsRefusedBeforeAnyOtherWork) {
    const std::string huge(1 << 20, 'q');
    const std::string identifier = std::string(240, 'q') + "@example.org";
    for (const bool bcrypt : {true, false}) {
        const auto start = std::chrono::steady_clock::now();
        const PasswordViolation v = Violation(Make({.bcrypt_in_use = bcrypt}).Check(huge, {identifier}));
        const auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_LT(elapsed, std::chrono::milliseconds(50));
        EXPECT_EQ(v.rule, PasswordViolation::Rule::kMaxLength);
        EXPECT_EQ(v.message_id, 4000033);
        const size_t max = bcrypt ? kBcryptMaxPasswordBytes : kMaxPasswordBytes;
        EXPECT_EQ(v.context, nlohmann::json({{"max_length", max}, {"actual_length", huge.size()}}));
    }
    EXPECT_TRUE(source.requests.empty());  // not even a breach lookup
    // The cap's boundary (argon2: no bcrypt limit).
    const auto argon2 = PasswordPolicyOptions{.hibp_enabled = false, .bcrypt_in_use = false};
    EXPECT_TRUE(Accepted(Make(argon2).Check(std::string(kMaxPasswordBytes, 'x') + "", {identifier})));
    const PasswordViolation over = Violation(Make(argon2).Check(std::string(kMaxPasswordBytes + 1, 'x'), {identifier}));
    EXPECT_EQ(over.rule, PasswordViolation::Rule::kMaxLength);
    EXPECT_EQ(over.text, "The password must be at most 4096 characters long, but got 4097.");
    EXPECT_EQ(over.reason, "passwords are limited to a maximum length of 4096 characters");
}

TEST(IdentifierSimilarity, CostIsBoundedByTheCaps) {
    // A 1 MB identifier (a trait the schema leaves unbounded): only its first
    // kMaxSimilarityIdentifierBytes are compared.
    const std::string identifier(1 << 20, 'w');
    const std::string password = std::string(600, 'w') + "12345678";
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(IsTooSimilarToIdentifier(identifier, password));  // shares a long run of w
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
    // The length-difference shortcut keeps the edit-distance rule exact.
    EXPECT_TRUE(IsTooSimilarToIdentifier("abcdefgh", "abcdefg1"));
    EXPECT_FALSE(IsTooSimilarToIdentifier("abcdefgh@x.org", "zyxwvutsrq"));
}

TEST_F(PolicyTest, RulesRunInTableOrder) {
    source.bodies["5BAA6"] = std::string(kBreachedSuffix) + ":5\n";
    // Short and similar → length.
    EXPECT_EQ(Violation(Make().Check("a@b.c", {"a@b.c"})).rule, PasswordViolation::Rule::kMinLength);
    // Similar to the first identifier and breached → similarity, without a lookup.
    EXPECT_EQ(Violation(Make().Check(kBreachedPassword, {"password@x"})).rule, PasswordViolation::Rule::kTooSimilar);
    EXPECT_TRUE(source.requests.empty());
    // Breached and similar to a later identifier → breach (Kratos finishes the first pass first).
    EXPECT_EQ(Violation(Make().Check(kBreachedPassword, {"z@example.org", "password"})).rule,
              PasswordViolation::Rule::kBreached);
    // Breached and over bcrypt's limit → breach comes first.
    const std::string long_pw(80, 'k');
    std::string hex = core::HexEncode(core::Sha1(long_pw));
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    source.bodies[hex.substr(0, 5)] = hex.substr(5) + ":1\n";
    EXPECT_EQ(Violation(Make().Check(long_pw, {})).rule, PasswordViolation::Rule::kBreached);
    EXPECT_EQ(Violation(Make({.hibp_enabled = false}).Check(long_pw, {})).rule, PasswordViolation::Rule::kMaxLength);
    // HIBP disabled → no lookup at all.
    source.requests.clear();
    EXPECT_TRUE(Accepted(Make({.hibp_enabled = false}).Check(kBreachedPassword, {"z@example.org"})));
    EXPECT_TRUE(source.requests.empty());
}

TEST_F(PolicyTest, PassesTheConfiguredHostToTheSource) {
    auto policy = Make({.hibp_host = "http://127.0.0.1:9"});
    EXPECT_TRUE(Accepted(policy.Check("correct horse battery staple", {})));
    ASSERT_EQ(source.requests.size(), 1u);
    EXPECT_EQ(source.requests[0], "http://127.0.0.1:9 ABF7A");
}

}  // namespace
}  // namespace bia::crypto
