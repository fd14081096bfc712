#include "crypto/password_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "crypto/identifier_similarity.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {

namespace {

PasswordViolation MinLength(size_t min, size_t actual) {
    PasswordViolation v{PasswordViolation::Rule::kMinLength};
    v.reason = "password length must be at least " + std::to_string(min) + " characters but only got " +
               std::to_string(actual);
    v.message_id = kMessagePasswordMinLength;
    v.text = "The password must be at least " + std::to_string(min) + " characters long, but got " +
             std::to_string(actual) + ".";
    v.context = {{"min_length", min}, {"actual_length", actual}};
    return v;
}

PasswordViolation TooSimilar() {
    PasswordViolation v{PasswordViolation::Rule::kTooSimilar};
    v.reason = "the password is too similar to the user identifier";
    v.message_id = kMessagePasswordTooSimilar;
    v.text = "The password can not be used because it is too similar to the identifier.";
    return v;
}

PasswordViolation Breached(int64_t count) {
    PasswordViolation v{PasswordViolation::Rule::kBreached};
    v.reason = "the password has been found in data breaches and must no longer be used";
    v.message_id = kMessagePasswordBreached;
    v.text = "The password has been found in data breaches and must no longer be used.";
    v.context = {{"breaches", count}};
    return v;
}

PasswordViolation CheckFailed(std::string reason) {
    PasswordViolation v{PasswordViolation::Rule::kBreachCheckFailed};
    v.reason = std::move(reason);
    v.message_id = kMessagePasswordPolicyGeneric;
    v.text = v.GenericText();
    v.context = v.GenericContext();
    return v;
}

PasswordViolation MaxLength(size_t max, size_t actual) {
    PasswordViolation v{PasswordViolation::Rule::kMaxLength};
    v.reason = max == kBcryptMaxPasswordBytes
                   ? std::string(kBcryptTooLongReason)
                   : "passwords are limited to a maximum length of " + std::to_string(max) + " characters";
    v.message_id = kMessagePasswordMaxLength;
    v.text = "The password must be at most " + std::to_string(max) + " characters long, but got " +
             std::to_string(actual) + ".";
    v.context = {{"max_length", max}, {"actual_length", actual}};
    return v;
}

std::string_view Trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\v\f";
    const size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, must fit in int64.
std::optional<int64_t> ParseInt64(std::string_view s) {
    const bool plus = !s.empty() && s[0] == '+';
    if (plus) s.remove_prefix(1);
    if (s.empty() || s[0] == '+' || (plus && s[0] == '-')) return std::nullopt;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string Upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
}

}  // namespace

std::string PasswordViolation::GenericText() const { return "The password can not be used because " + reason + "."; }

core::Result<std::optional<PasswordViolation>> PasswordPolicy::Check(std::string_view password,
                                                                     const std::vector<std::string>& identifiers) {
    // Kratos runs the whole chain once per identifier. Length, breach and bcrypt checks do not
    // depend on the identifier, so that order is: length, similarity to the first identifier,
    // breaches, bcrypt, then similarity to the remaining identifiers — with one breach lookup.
    // Over the hard cap nothing else runs (similarity costs identifier × password length); with
    // bcrypt the answer names bcrypt's own limit, which the password is over as well.
    if (password.size() > kMaxPasswordBytes)
        return MaxLength(options_.bcrypt_in_use ? kBcryptMaxPasswordBytes : kMaxPasswordBytes, password.size());
    if (password.size() < options_.min_length) return MinLength(options_.min_length, password.size());

    auto similar = [&](std::string_view id) {
        return options_.identifier_similarity && !id.empty() && IsTooSimilarToIdentifier(id, password);
    };
    if (!identifiers.empty() && similar(identifiers.front())) return TooSimilar();

    if (options_.hibp_enabled) {
        BIA_TRY_ASSIGN(auto count, BreachCount(password));
        if (auto* violation = std::get_if<PasswordViolation>(&count)) return std::move(*violation);
        if (const int64_t n = std::get<int64_t>(count); n > options_.max_breaches) return Breached(n);
    }

    if (options_.bcrypt_in_use && password.size() > kBcryptMaxPasswordBytes) {
        return MaxLength(kBcryptMaxPasswordBytes, password.size());
    }

    for (size_t i = 1; i < identifiers.size(); ++i) {
        if (similar(identifiers[i])) return TooSimilar();
    }
    return std::optional<PasswordViolation>();
}

core::Result<std::variant<int64_t, PasswordViolation>> PasswordPolicy::BreachCount(std::string_view password) {
    // k-anonymity: only the first five hex digits of the SHA-1 leave the process.
    const std::string hex = Upper(core::HexEncode(core::Sha1(password)));
    const std::string prefix = hex.substr(0, 5);
    Suffix suffix{};
    std::memcpy(suffix.data(), hex.data() + 5, suffix.size());

    if (auto cached = Lookup(prefix, suffix)) return *cached;

    using Outcome = std::variant<int64_t, PasswordViolation>;
    auto fetched = source_.FetchRange(options_.hibp_host, prefix);
    if (!fetched) {
        if (options_.ignore_network_errors) return Outcome(int64_t{0});
        return Outcome(
            CheckFailed("unable to check if password has been leaked because an unexpected network error occurred: " +
                        fetched.error().reason));
    }
    if (fetched->status != 200) {
        if (options_.ignore_network_errors) return Outcome(int64_t{0});
        return Outcome(CheckFailed("unexpected status code: " + std::to_string(fetched->status)));
    }

    Range range;
    range.fetched_at = clock_.Now();
    int64_t count = 0;
    std::string_view body = fetched->body;
    while (!body.empty()) {
        const size_t nl = body.find('\n');
        const std::string_view line = Trim(body.substr(0, nl));
        body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
        if (line.empty()) continue;
        const size_t colon = line.find(':');
        const std::string_view hash_part = line.substr(0, colon);
        int64_t n = 1;  // The service has been seen to omit ":COUNT"; Kratos then assumes one.
        if (colon != std::string_view::npos && line.find(':', colon + 1) == std::string_view::npos) {
            auto parsed = ParseInt64(line.substr(colon + 1));
            if (!parsed) {
                return core::Internal("Expected password hash to contain a count formatted as int but got: " +
                                      std::string(line.substr(colon + 1)));
            }
            n = *parsed;
        }
        if (hash_part.size() != suffix.size()) continue;  // cannot be any password's suffix
        Suffix s{};
        const std::string upper = Upper(hash_part);
        std::memcpy(s.data(), upper.data(), s.size());
        if (s == suffix) count = n;
        range.counts.emplace_back(s, n);
    }
    std::sort(range.counts.begin(), range.counts.end());
    Store(prefix, std::move(range));
    return Outcome(count);
}

std::optional<int64_t> PasswordPolicy::Lookup(const std::string& prefix, const Suffix& suffix) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(prefix);
    if (it == cache_.end()) return std::nullopt;
    if (clock_.Now() - it->second.fetched_at >= options_.hibp_cache_ttl) {
        cache_.erase(it);
        return std::nullopt;
    }
    const auto& counts = it->second.counts;
    auto pos = std::lower_bound(counts.begin(), counts.end(), suffix,
                                [](const auto& entry, const Suffix& s) { return entry.first < s; });
    if (pos != counts.end() && pos->first == suffix) return pos->second;
    return int64_t{0};  // absent from a cached range = never seen in a breach
}

void PasswordPolicy::Store(const std::string& prefix, Range range) {
    if (options_.hibp_cache_max_ranges == 0) return;
    std::lock_guard lock(mu_);
    const core::TimePoint now = clock_.Now();
    if (cache_.size() >= options_.hibp_cache_max_ranges && cache_.find(prefix) == cache_.end()) {
        std::erase_if(cache_, [&](const auto& kv) { return now - kv.second.fetched_at >= options_.hibp_cache_ttl; });
        if (cache_.size() >= options_.hibp_cache_max_ranges) {
            auto oldest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
                return a.second.fetched_at < b.second.fetched_at;
            });
            cache_.erase(oldest);
        }
    }
    cache_[prefix] = std::move(range);
}

size_t PasswordPolicy::CachedRanges() const {
    std::lock_guard lock(mu_);
    return cache_.size();
}

}  // namespace bia::crypto
