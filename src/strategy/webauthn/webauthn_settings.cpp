#include "strategy/webauthn/webauthn_settings.hpp"

#include <chrono>

#include "core/crypto_util.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session.hpp"
#include "strategy/webauthn/webauthn_ceremony.hpp"
#include "strategy/webauthn/webauthn_core.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"
#include "strategy/webauthn/webauthn_nodes.hpp"

namespace bia::strategy::webauthn {

using nlohmann::json;
using selfservice::Rejection;
using selfservice::settings::SettingsAttempt;
using selfservice::settings::SettingsFlow;

std::vector<std::string> WebAuthnSettings::NodeOrder() const {
    return {std::string(kRemoveField), std::string(kRegisterDisplayNameField), std::string(kRegisterField)};
}

std::string_view WebAuthnSettings::Id() const { return kMethod; }

core::Status WebAuthnSettings::Populate(const selfservice::RequestContext&, SettingsFlow& flow,
                                        const identity::Identity& identity) {
    const auto& cfg = config_.selfservice.methods.webauthn;
    // Security keys need a browser: API flows get no nodes (§8.5).
    if (!cfg.enabled || flow.type != selfservice::FlowType::kBrowser) return {};
    const StoredKeys keys = KeysOf(identity);
    const int first_factors = aal_rules_.Count(identity).first;
    for (const StoredKey& k : keys.keys) flow.ui.Upsert(RemoveSubmit(k, k.is_passwordless && first_factors < 2));
    Options options = RegistrationOptions(cfg, identity, keys, random_);
    KeepCeremony(flow.internal_context, options.ceremony);
    flow.ui.Upsert(ScriptNode(config_.PublicBaseUrl(), random_));
    flow.ui.Upsert(DisplayNameInput());
    flow.ui.Upsert(RegisterTrigger(options.json));
    flow.ui.Upsert(RegisterInput());
    return {};
}

SettingsAttempt WebAuthnSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    // Claimed by a browser flow with a key to register or remove; never by an API flow (§5.2).
    const std::optional<std::string> response = StringField(body, kRegisterField);
    const std::optional<std::string> remove = StringField(body, kRemoveField);
    if (sub.flow.type != selfservice::FlowType::kBrowser || (!response && !remove))
        return SettingsAttempt::NotResponsible();
    if (!config_.selfservice.methods.webauthn.enabled) return SettingsAttempt::Failed(selfservice::MethodDisabled());
    const std::optional<std::string> display_name = StringField(body, kRegisterDisplayNameField);
    // The body schema: a registration needs its display name (§8.5).
    if (response && !display_name) {
        return SettingsAttempt::Rejected(Rejection::OnNode(
            std::string(kRegisterDisplayNameField), text::NewValidationErrorRequired(kRegisterDisplayNameField)));
    }
    if (display_name && display_name->size() > kMaxDisplayNameBytes) {
        return SettingsAttempt::Rejected(Rejection::OnNode(
            std::string(kRegisterDisplayNameField),
            text::NewErrorValidationMaxLength(kMaxDisplayNameBytes, static_cast<int64_t>(display_name->size()))));
    }
    if (auto s =
            selfservice::EnsureCsrf(sub.flow.type, sub.request, StringField(body, ui::kCsrfTokenName).value_or(""));
        !s) {
        return SettingsAttempt::Failed(std::move(s).error());
    }
    if (!sub.privileged) return SettingsAttempt::NeedsPrivilege();
    if (remove) return Remove(sub, *remove);
    return Register(sub, *response, *display_name);
}

SettingsAttempt WebAuthnSettings::Register(selfservice::settings::SettingsSubmission& sub, const std::string& response,
                                           const std::string& display_name) {
    const auto& cfg = config_.selfservice.methods.webauthn;
    const std::optional<Ceremony> ceremony = CeremonyOf(sub.flow.internal_context);
    // Spent by an earlier registration on this flow: the client starts a new one (400, not 500).
    if (!ceremony) return SettingsAttempt::Failed(NoPendingChallenge());
    // An answer that is not a credential at all, then one that does not verify: both are the
    // browser's (or an attacker's) input, so both are shown on the flow (400), never a 500.
    if (auto id = CredentialIdOf(response); !id) {
        return SettingsAttempt::Failed(core::BadRequest("Unable to parse WebAuthn response: " + id.error().reason));
    }
    auto created = VerifyRegistration(response, ExpectationFor(cfg, *ceremony));
    if (!created) {
        return SettingsAttempt::Failed(
            core::BadRequest("Unable to create WebAuthn credential: " + created.error().reason));
    }
    identity::Identity after = sub.identity;
    StoredKeys keys = KeysOf(after);
    for (const StoredKey& k : keys.keys) {
        if (core::ConstantTimeEquals(k.id, created->id)) {
            return SettingsAttempt::Rejected(
                Rejection::OnNode(std::string(kRegisterField), text::NewErrorValidationDuplicateCredentials()));
        }
    }
    const auto now = clock_.Now();
    StoredKey k;
    k.id = created->id;
    k.public_key = created->public_key;
    k.attestation_type = created->attestation_type;
    k.aaguid = created->aaguid;
    k.sign_count = created->sign_count;
    k.display_name = display_name;
    k.added_at = std::chrono::round<std::chrono::seconds>(now);
    k.is_passwordless = cfg.passwordless;
    k.user_verified = created->user_verified;
    k.backup_eligible = created->backup_eligible;
    k.backup_state = created->backup_state;
    k.transports = created->transports;
    keys.keys.push_back(std::move(k));
    const auto& id_bytes = after.id.bytes();
    keys.user_handle.assign(reinterpret_cast<const char*>(id_bytes.data()), id_bytes.size());

    identity::Credential credential;
    if (const identity::Credential* old = after.FindCredential(identity::kCredentialWebauthn)) credential = *old;
    credential.type = std::string(identity::kCredentialWebauthn);
    if (credential.identifiers.empty()) credential.identifiers = {after.id.ToString()};
    credential.config = KeysConfig(keys);
    credential.version = 1;
    if (credential.created_at == core::TimePoint{}) credential.created_at = now;
    credential.updated_at = now;
    after.credentials[credential.type] = std::move(credential);
    ForgetCeremony(sub.flow.internal_context);
    session::AuthenticationMethod method;
    method.method = std::string(kMethod);
    method.aal = std::string(cfg.passwordless ? session::kAal1 : session::kAal2);
    return SettingsAttempt::Succeeded({std::move(after), {std::move(method)}});
}

SettingsAttempt WebAuthnSettings::Remove(selfservice::settings::SettingsSubmission& sub, const std::string& hex_id) {
    identity::Identity after = sub.identity;
    StoredKeys keys = KeysOf(after);
    if (keys.keys.empty()) {
        return SettingsAttempt::Failed(
            core::BadRequest("You tried to remove a WebAuthn but you have no WebAuthn set up."));
    }
    const std::optional<std::string> id = ParseHexId(hex_id);
    auto it = keys.keys.end();
    if (id) {
        it = std::find_if(keys.keys.begin(), keys.keys.end(),
                          [&](const StoredKey& k) { return core::ConstantTimeEquals(k.id, *id); });
    }
    if (it == keys.keys.end()) {
        return SettingsAttempt::Failed(
            core::BadRequest("You tried to remove a WebAuthn credential which does not exist."));
    }
    // A passwordless key may go only while another first factor remains (no lock-out, §8.5).
    if (it->is_passwordless && aal_rules_.Count(after).first < 2) {
        return SettingsAttempt::Rejected(Rejection::OnNode(
            std::string(kRemoveField),
            text::NewValidationErrorGeneric("unable to remove this security key because it would lock you out of "
                                            "your account")));
    }
    keys.keys.erase(it);
    if (keys.keys.empty()) {
        after.credentials.erase(std::string(identity::kCredentialWebauthn));
    } else {
        identity::Credential& c = after.credentials.at(std::string(identity::kCredentialWebauthn));
        c.config = KeysConfig(keys);
        c.updated_at = clock_.Now();
    }
    return SettingsAttempt::Succeeded({std::move(after), {}});
}

}  // namespace bia::strategy::webauthn
