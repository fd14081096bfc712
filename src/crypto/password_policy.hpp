// The password policy every new password passes (settings-flow.md §8.2.1): minimum length,
// similarity to the identity's identifiers, Have I Been Pwned breach count, and bcrypt's
// 72-byte ceiling — checked in that order, stopping at the first violation.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "crypto/pwned_range_source.hpp"

namespace bia::crypto {

// Message ids (messages.tsv). G1 reports every violation as kGeneric with a reason; G2 has one
// id per rule and keeps kGeneric for a failed breach lookup.
inline constexpr int64_t kMessagePasswordPolicyGeneric = 4000005;
inline constexpr int64_t kMessagePasswordTooSimilar = 4000031;
inline constexpr int64_t kMessagePasswordMinLength = 4000032;
inline constexpr int64_t kMessagePasswordMaxLength = 4000033;
inline constexpr int64_t kMessagePasswordBreached = 4000034;

// `selfservice.methods.password.config.*` plus what the policy needs from `hashers`.
struct PasswordPolicyOptions {
    size_t min_length = 8;  // bytes, not characters
    bool identifier_similarity = true;
    bool hibp_enabled = true;
    std::string hibp_host = "api.pwnedpasswords.com";
    int64_t max_breaches = 0;
    bool ignore_network_errors = true;
    bool bcrypt_in_use = true;  // `hashers.algorithm == bcrypt`: enforce the 72-byte limit
    std::chrono::seconds hibp_cache_ttl{3600};
    size_t hibp_cache_max_ranges = 256;  // ~45 KB each
};

struct PasswordViolation {
    enum class Rule { kMinLength, kTooSimilar, kBreached, kBreachCheckFailed, kMaxLength };
    Rule rule;
    // G1: message kMessagePasswordPolicyGeneric, text GenericText(), context {"reason": reason}.
    std::string reason;
    // G2: the specific message.
    int64_t message_id = kMessagePasswordPolicyGeneric;
    std::string text;
    nlohmann::json context = nlohmann::json::object();

    std::string GenericText() const;  // "The password can not be used because <reason>."
    nlohmann::json GenericContext() const { return {{"reason", reason}}; }
};

class PasswordPolicy {
  public:
    // `source` and `clock` must outlive the policy. Thread-safe.
    PasswordPolicy(PasswordPolicyOptions options, PwnedRangeSource& source, const core::Clock& clock)
        : options_(std::move(options)), source_(source), clock_(clock) {}

    // nullopt = acceptable; a value = the first violation. An error only for failures the user
    // cannot act on (a malformed breach-service answer): the caller answers 500.
    // With `ignore_network_errors: false`, an unreachable breach service is a violation
    // (kBreachCheckFailed, message 4000005), the reading settings-flow.md §20.1 prefers.
    // Identifiers are checked one after another, each through the whole chain, as Kratos does;
    // an empty list still checks everything except similarity.
    core::Result<std::optional<PasswordViolation>> Check(std::string_view password,
                                                         const std::vector<std::string>& identifiers);

    // Entries currently cached (for tests and metrics).
    size_t CachedRanges() const;

  private:
    using Suffix = std::array<char, 35>;
    struct Range {
        core::TimePoint fetched_at;
        std::vector<std::pair<Suffix, int64_t>> counts;  // sorted by suffix
    };

    // Breach count for the password, or a violation when the lookup failed and that matters.
    core::Result<std::variant<int64_t, PasswordViolation>> BreachCount(std::string_view password);
    std::optional<int64_t> Lookup(const std::string& prefix, const Suffix& suffix);
    void Store(const std::string& prefix, Range range);

    PasswordPolicyOptions options_;
    PwnedRangeSource& source_;
    const core::Clock& clock_;
    mutable std::mutex mu_;
    std::map<std::string, Range> cache_;
};

}  // namespace bia::crypto
