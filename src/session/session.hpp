// Sessions: who is calling, how they authenticated (AMR) and at which assurance level
// (settings-flow.md §11, §17). Tokens are opaque random strings; the cookie carries the token.
#pragma once

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

struct AuthenticationMethod {
    std::string method;  // "password", "oidc", "totp", "lookup_secret", "webauthn", "link_recovery", ...
    std::string aal;     // explicit AAL; empty = derived from the method
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
    // Loaded with the session by lookups that need it (whoami, flows).
    std::optional<identity::Identity> identity;

    // Active, not expired, and (when loaded) the identity is active.
    bool IsValidAt(core::TimePoint now) const;
};

// AAL of a session from its authentication methods (settings-flow.md §11).
std::string_view ComputeAal(const std::vector<AuthenticationMethod>& methods);
// The highest AAL the identity could reach with its credentials (settings-flow.md §11).
std::string_view AvailableAal(const identity::Identity& identity);
// Orders "aal0" < "aal1" < "aal2".
int AalRank(std::string_view aal);
// Whether the session satisfies `required` ("aal1" or "highest_available").
bool SatisfiesAal(const Session& session, const identity::Identity& identity, std::string_view required);

}  // namespace bia::session
