#include "strategy/webauthn/webauthn_login.hpp"

#include "core/crypto_util.hpp"
#include "session/session.hpp"
#include "strategy/code_login.hpp"
#include "strategy/webauthn/webauthn_ceremony.hpp"
#include "strategy/webauthn/webauthn_core.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"
#include "strategy/webauthn/webauthn_nodes.hpp"

namespace bia::strategy::webauthn {

using selfservice::Rejection;
using selfservice::login::LoginAttempt;
using selfservice::login::LoginFlow;

namespace {

// The caller's second-factor keys (passwordless keys are first factors).
StoredKeys MfaKeysOf(const selfservice::RequestContext& ctx) {
    if (!ctx.session || !ctx.session->identity) return {};
    StoredKeys keys = KeysOf(*ctx.session->identity);
    std::erase_if(keys.keys, [](const StoredKey& k) { return k.is_passwordless; });
    return keys;
}

}  // namespace

std::string_view WebAuthnLogin::Id() const { return kMethod; }

core::Status WebAuthnLogin::Populate(const selfservice::RequestContext& ctx, LoginFlow& flow) {
    const auto& cfg = config_.selfservice.methods.webauthn;
    if (!cfg.enabled || flow.type != selfservice::FlowType::kBrowser || flow.requested_aal != session::kAal2) return {};
    const StoredKeys keys = MfaKeysOf(ctx);
    if (keys.keys.empty()) return {};
    Options options = LoginOptions(cfg, keys, random_);
    KeepCeremony(flow.internal_context, options.ceremony);
    flow.ui.Upsert(ScriptNode(config_.PublicBaseUrl(), random_));
    flow.ui.Upsert(LoginTrigger(options.json));
    flow.ui.Upsert(LoginInput());
    return {};
}

LoginAttempt WebAuthnLogin::Login(const selfservice::RequestContext& ctx, LoginFlow& flow, const nlohmann::json& body) {
    const auto& cfg = config_.selfservice.methods.webauthn;
    // Claimed by `method=webauthn` or by the assertion alone, as the script posts it.
    auto read = ReadLoginCode(ctx, flow, body, kMethod, cfg.enabled, kLoginField, random_, /*field_claims=*/true);
    if (auto* answer = std::get_if<LoginAttempt>(&read)) return std::move(*answer);
    const std::string& response = std::get<std::string>(read);

    StoredKeys keys = MfaKeysOf(ctx);
    if (keys.keys.empty()) return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationNoWebAuthnDevice()));
    const std::optional<Ceremony> ceremony = CeremonyOf(flow.internal_context);
    // Spent by an earlier sign-in on this flow: the client starts a new one (400, not 500).
    if (!ceremony) return LoginAttempt::Failed(NoPendingChallenge());
    auto id = CredentialIdOf(response);
    if (!id) return LoginAttempt::Failed(core::BadRequest("Unable to parse WebAuthn response: " + id.error().reason));
    auto key = std::find_if(keys.keys.begin(), keys.keys.end(),
                            [&](const StoredKey& k) { return core::ConstantTimeEquals(k.id, *id); });
    if (key == keys.keys.end())
        return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationSuchNoWebAuthnUser()));
    auto verified = VerifyAssertion(response, ExpectationFor(cfg, *ceremony), key->public_key, key->sign_count);
    if (!verified) {
        return LoginAttempt::Failed(
            core::BadRequest("Unable to verify the WebAuthn response: " + verified.error().reason));
    }
    // The ceremony is spent; the key's counter moves on (a stale write loses: 409).
    ForgetCeremony(flow.internal_context);
    identity::Identity who = *ctx.session->identity;
    StoredKeys all = KeysOf(who);
    for (StoredKey& k : all.keys) {
        if (k.id == key->id) {
            k.sign_count = verified->sign_count;
            k.clone_warning = k.clone_warning || verified->clone_warning;
        }
    }
    return StoreAndSucceed(flow, std::move(who), identity::kCredentialWebauthn, KeysConfig(all), kMethod);
}

}  // namespace bia::strategy::webauthn
