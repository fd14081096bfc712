// Sessions: who is calling, how they authenticated (AMR) and at which assurance level
// (settings-flow.md §11, §17). Tokens are opaque random strings; the cookie carries the token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/uuid.hpp"
#include "identity/identity.hpp"

namespace bia::session {

inline constexpr std::string_view kAal0 = "aal0";
inline constexpr std::string_view kAal1 = "aal1";
inline constexpr std::string_view kAal2 = "aal2";
inline constexpr std::string_view kHighestAvailable = "highest_available";
inline constexpr std::string_view kTokenPrefix = "ory_st_";

// Longer session tokens are refused before any lookup (Bia's are 32 characters).
inline constexpr size_t kMaxTokenLength = 256;

// Whether `token` could name a session at all: 1–kMaxTokenLength bytes of visible ASCII, as every
// token Bia (or Kratos) issues is. Anything else names no session and is refused before any lookup,
// the same way on every backend (PostgreSQL would refuse bytes that are not UTF-8 with an error),
// and only such tokens ride in a batched PostgreSQL read (one odd byte could fail the whole batch).
inline bool CouldBeToken(std::string_view token) {
    if (token.empty() || token.size() > kMaxTokenLength) return false;
    for (const char ch : token) {
        if (ch < '!' || ch > '~') return false;
    }
    return true;
}

struct AuthenticationMethod {
    std::string method;  // "password", "oidc", "totp", "lookup_secret", "webauthn", "link_recovery", ...
    std::string aal;     // the AAL this entry proves ("aal1", "aal2"); empty counts as aal1
    core::TimePoint completed_at{};
    std::string provider;  // oidc only
};

struct Session {
    core::Uuid id;
    std::string token;
    std::string logout_token;
    core::Uuid identity_id;
    bool active = true;
    core::TimePoint expires_at{};
    core::TimePoint authenticated_at{};
    core::TimePoint issued_at{};
    std::vector<AuthenticationMethod> methods;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    // Bumped by the store on every write of the session row (read-only to callers).
    int64_t revision = 0;
    // Loaded with the session by lookups that need it (whoami, flows).
    std::optional<identity::Identity> identity;

    // Active, not expired, and (when loaded) the identity is active.
    bool IsValidAt(core::TimePoint now) const;
};

// What a session lookup must re-read to prove an answer cached from (session, identity) still
// holds: the two revisions, plus what makes the session invalid without a write (expiry) or with
// one that the answer does not show (state). One indexed read (SessionRepository::FindStamp).
struct SessionStamp {
    int64_t session_revision = 0;
    int64_t identity_revision = 0;
    bool active = false;
    core::TimePoint expires_at{};
    bool identity_active = false;

    bool IsValidAt(core::TimePoint now) const { return active && identity_active && now < expires_at; }
};

// AAL of a session from its authentication methods (settings-flow.md §11): aal1-type and
// aal2-type entries → aal2, either alone → aal1, none → aal0. Every entry Bia writes names its
// AAL (the method's strategy sets it); one without counts as aal1. What an identity could reach
// is session::AalRules (aal.hpp).
std::string_view ComputeAal(const std::vector<AuthenticationMethod>& methods);
// Orders "aal0" < "aal1" < "aal2".
int AalRank(std::string_view aal);

}  // namespace bia::session
