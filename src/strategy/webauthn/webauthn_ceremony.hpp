// The server side of a WebAuthn ceremony: the options a trigger button hands the browser (a fresh
// 32-byte challenge, the relying party, the identity's user handle, the keys to exclude or allow)
// and what the flow keeps of them in internal_context.webauthn.session_data until the browser
// answers, from which the verification's expectation is built.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/random.hpp"
#include "identity/identity.hpp"
#include "strategy/webauthn/webauthn_core.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"

namespace bia::strategy::webauthn {

inline constexpr std::string_view kContextKey = "webauthn";
inline constexpr std::string_view kSessionDataKey = "session_data";
inline constexpr size_t kChallengeBytes = 32;
inline constexpr int64_t kCeremonyTimeoutMs = 60000;

struct Ceremony {
    std::string challenge;  // raw bytes
    std::string user_id;    // raw bytes (registration)
    bool user_verification_required = false;
};

nlohmann::json CeremonyJson(const Ceremony& c);
std::optional<Ceremony> CeremonyFromJson(const nlohmann::json& j);
// The ceremony a flow keeps, if any.
std::optional<Ceremony> CeremonyOf(const nlohmann::json& internal_context);
void KeepCeremony(nlohmann::json& internal_context, const Ceremony& c);
void ForgetCeremony(nlohmann::json& internal_context);

struct Options {
    std::string json;  // {"publicKey":{…}} as the trigger carries it
    Ceremony ceremony;
};
// navigator.credentials.create options for a new key of `identity` (its keys excluded).
Options RegistrationOptions(const config::WebAuthnMethodConfig& config, const identity::Identity& identity,
                            const StoredKeys& existing, core::Random& random);
// navigator.credentials.get options allowing `keys`.
Options LoginOptions(const config::WebAuthnMethodConfig& config, const StoredKeys& keys, core::Random& random);

Expectation ExpectationFor(const config::WebAuthnMethodConfig& config, const Ceremony& c);
// A submission to a flow whose ceremony was spent (or never started): 400.
core::Error NoPendingChallenge();

}  // namespace bia::strategy::webauthn
