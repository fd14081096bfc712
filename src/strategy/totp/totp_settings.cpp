#include "strategy/totp/totp_settings.hpp"

#include "core/url.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session.hpp"
#include "strategy/totp/totp.hpp"
#include "strategy/totp/totp_nodes.hpp"

namespace bia::strategy::totp {

using nlohmann::json;
using selfservice::Rejection;
using selfservice::settings::SettingsAttempt;
using selfservice::settings::SettingsFlow;

std::string TotpSettings::Issuer() const {
    if (!config_.selfservice.methods.totp.issuer.empty()) return config_.selfservice.methods.totp.issuer;
    auto url = core::Url::Parse(config_.PublicBaseUrl());
    return url ? url->Hostname() : std::string();
}

std::string TotpSettings::AccountName(const identity::Identity& identity) const {
    const schema::Schema* schema = schemas_.Find(identity.schema_id);
    if (schema == nullptr) schema = &schemas_.Default();
    if (auto name = schema->ExtractExtensions(identity.traits).totp_account_name; name && !name->empty()) return *name;
    return identity.id.ToString();
}

core::Status TotpSettings::Populate(const selfservice::RequestContext&, SettingsFlow& flow,
                                    const identity::Identity& identity) {
    if (!config_.selfservice.methods.totp.enabled) return {};
    if (identity.FindCredential(identity::kCredentialTotp) != nullptr) {
        flow.ui.Upsert(UnlinkSubmit());
        return {};
    }
    // A new secret per flow, kept on the flow until a code confirms it (§8.3).
    const std::string secret = NewSecret(random_);
    const std::string url = KeyUrl(Issuer(), AccountName(identity), secret);
    auto qr = QrPngDataUrl(url);
    if (!qr) return core::Internal("the TOTP key URL does not fit a QR code");
    flow.internal_context[std::string(kContextKey)] = json{{"url", url}};
    flow.ui.Upsert(QrImage(*qr));
    flow.ui.Upsert(SecretText(Base32Encode(secret)));
    flow.ui.Upsert(CodeInput(text::NewInfoNodeLabelVerifyOtp()));
    flow.ui.Upsert(MethodSubmit(text::NewInfoNodeLabelSave()));
    return {};
}

SettingsAttempt TotpSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    // The unlink button submits `totp_unlink=true` alone (its own name, no `method`): it addresses
    // this method too, as in Kratos.
    const bool unlink = BoolField(body, kUnlinkField);
    if (!unlink && StringField(body, "method") != std::string(kMethod)) return SettingsAttempt::NotResponsible();
    if (!config_.selfservice.methods.totp.enabled) return SettingsAttempt::Failed(selfservice::MethodDisabled());
    // Codes are never echoed back into the form.
    sub.flow.ui.ClearValue(kCodeField);
    const std::optional<std::string> code = StringField(body, kCodeField);
    // CSRF, then privilege: every TOTP change needs a privileged session (§8.3).
    if (auto s =
            selfservice::EnsureCsrf(sub.flow.type, sub.request, StringField(body, ui::kCsrfTokenName).value_or(""));
        !s) {
        return SettingsAttempt::Failed(std::move(s).error());
    }
    if (!sub.privileged) return SettingsAttempt::NeedsPrivilege();

    identity::Identity after = sub.identity;
    if (after.FindCredential(identity::kCredentialTotp) != nullptr) {
        // Unlinking removes the credential; anything else is a successful no-op (never the G1
        // bug that wrote back a credential-less identity).
        if (unlink) after.credentials.erase(std::string(identity::kCredentialTotp));
        return SettingsAttempt::Succeeded({std::move(after), {}});
    }
    if (!code)
        return SettingsAttempt::Rejected(
            Rejection::OnNode(std::string(kCodeField), text::NewValidationErrorRequired(kCodeField)));
    const auto pending = sub.flow.internal_context.find(std::string(kContextKey));
    if (pending == sub.flow.internal_context.end() || !pending->is_object() || !pending->contains("url") ||
        !(*pending)["url"].is_string()) {
        // A flow created while TOTP was off, or whose secret was confirmed: the client's to restart
        // (400 on the flow), not a server fault.
        return SettingsAttempt::Failed(
            core::BadRequest("This flow holds no authenticator secret to confirm. Please start a new flow."));
    }
    const std::string url = (*pending)["url"].get<std::string>();
    const auto secret = SecretOfKeyUrl(url);
    if (!secret) return SettingsAttempt::Failed(core::Internal("the settings flow holds a malformed TOTP key URL"));
    if (!VerifyTotp(*secret, *code, clock_.Now())) {
        return SettingsAttempt::Rejected(
            Rejection::OnNode(std::string(kCodeField), text::NewErrorValidationTotpVerifierWrong()));
    }
    identity::Credential credential;
    credential.type = std::string(identity::kCredentialTotp);
    credential.identifiers = {after.id.ToString()};
    credential.config = json{{"totp_url", url}};
    credential.created_at = credential.updated_at = clock_.Now();
    after.credentials[credential.type] = std::move(credential);
    sub.flow.internal_context.erase(std::string(kContextKey));
    // The session that enrolled the second factor proves it too: aal2, no lock-out (§8.3).
    session::AuthenticationMethod method;
    method.method = std::string(kMethod);
    method.aal = std::string(session::kAal2);
    return SettingsAttempt::Succeeded({std::move(after), {std::move(method)}});
}

}  // namespace bia::strategy::totp
