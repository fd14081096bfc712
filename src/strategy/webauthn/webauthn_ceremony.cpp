#include "strategy/webauthn/webauthn_ceremony.hpp"

#include "core/encoding.hpp"
#include "strategy/webauthn/cose_key.hpp"

namespace bia::strategy::webauthn {

using nlohmann::json;

json CeremonyJson(const Ceremony& c) {
    return {{"challenge", core::Base64UrlEncode(c.challenge)},
            {"user_id", core::Base64UrlEncode(c.user_id)},
            {"user_verification", c.user_verification_required ? "required" : "discouraged"}};
}

std::optional<Ceremony> CeremonyFromJson(const json& j) {
    if (!j.is_object()) return std::nullopt;
    auto challenge = j.find("challenge");
    if (challenge == j.end() || !challenge->is_string()) return std::nullopt;
    Ceremony c;
    auto raw = core::Base64UrlDecode(challenge->get_ref<const std::string&>());
    if (!raw || raw->size() != kChallengeBytes) return std::nullopt;
    c.challenge = std::move(*raw);
    if (auto u = j.find("user_id"); u != j.end() && u->is_string())
        c.user_id = core::Base64UrlDecode(u->get_ref<const std::string&>()).value_or("");
    c.user_verification_required = j.value("user_verification", "") == "required";
    return c;
}

std::optional<Ceremony> CeremonyOf(const json& internal_context) {
    auto w = internal_context.find(kContextKey);
    if (w == internal_context.end() || !w->is_object()) return std::nullopt;
    auto s = w->find(kSessionDataKey);
    if (s == w->end()) return std::nullopt;
    return CeremonyFromJson(*s);
}

void KeepCeremony(json& internal_context, const Ceremony& c) {
    json& w = internal_context[std::string(kContextKey)];
    if (!w.is_object()) w = json::object();
    w[std::string(kSessionDataKey)] = CeremonyJson(c);
}

void ForgetCeremony(json& internal_context) {
    auto w = internal_context.find(kContextKey);
    if (w != internal_context.end() && w->is_object()) w->erase(std::string(kSessionDataKey));
}

namespace {

json Descriptors(const StoredKeys& keys) {
    json list = json::array();
    for (const StoredKey& k : keys.keys) {
        json d = {{"type", "public-key"}, {"id", core::Base64UrlEncode(k.id)}};
        if (!k.transports.empty()) d["transports"] = k.transports;
        list.push_back(std::move(d));
    }
    return list;
}

std::string NewChallenge(core::Random& random) {
    const auto bytes = random.Bytes(kChallengeBytes);
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

Options RegistrationOptions(const config::WebAuthnMethodConfig& config, const identity::Identity& identity,
                            const StoredKeys& existing, core::Random& random) {
    Ceremony c;
    c.challenge = NewChallenge(random);
    const auto& id_bytes = identity.id.bytes();
    c.user_id.assign(reinterpret_cast<const char*>(id_bytes.data()), id_bytes.size());
    c.user_verification_required = config.passwordless;
    const std::string user_name = identity.id.ToString();
    json selection = {{"userVerification", c.user_verification_required ? "required" : "discouraged"}};
    if (config.passwordless) {
        selection["requireResidentKey"] = true;
        selection["residentKey"] = "required";
    } else {
        selection["requireResidentKey"] = false;
        selection["residentKey"] = "discouraged";
    }
    json pk = {{"challenge", core::Base64UrlEncode(c.challenge)},
               {"rp", {{"name", config.rp_display_name}, {"id", config.rp_id}}},
               {"user", {{"name", user_name}, {"displayName", user_name}, {"id", core::Base64UrlEncode(c.user_id)}}},
               {"pubKeyCredParams", json::array({{{"type", "public-key"}, {"alg", kCoseEs256}},
                                                 {{"type", "public-key"}, {"alg", kCoseEdDsa}},
                                                 {{"type", "public-key"}, {"alg", kCoseRs256}}})},
               {"timeout", kCeremonyTimeoutMs},
               {"excludeCredentials", Descriptors(existing)},
               {"authenticatorSelection", std::move(selection)}};
    return {json{{"publicKey", std::move(pk)}}.dump(), std::move(c)};
}

Options LoginOptions(const config::WebAuthnMethodConfig& config, const StoredKeys& keys, core::Random& random) {
    Ceremony c;
    c.challenge = NewChallenge(random);
    c.user_id = keys.user_handle;
    json pk = {{"challenge", core::Base64UrlEncode(c.challenge)},
               {"timeout", kCeremonyTimeoutMs},
               {"rpId", config.rp_id},
               {"allowCredentials", Descriptors(keys)},
               {"userVerification", "discouraged"}};
    return {json{{"publicKey", std::move(pk)}}.dump(), std::move(c)};
}

core::Error NoPendingChallenge() {
    return core::BadRequest("This flow has no security key challenge waiting for an answer. Please start a new flow.");
}

Expectation ExpectationFor(const config::WebAuthnMethodConfig& config, const Ceremony& c) {
    Expectation e;
    e.challenge = c.challenge;
    e.rp_id = config.rp_id;
    e.origins = config.rp_origins;
    e.require_user_verification = c.user_verification_required;
    return e;
}

}  // namespace bia::strategy::webauthn
