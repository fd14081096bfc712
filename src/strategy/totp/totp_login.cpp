#include "strategy/totp/totp_login.hpp"

#include "session/session.hpp"
#include "strategy/code_login.hpp"
#include "strategy/totp/totp.hpp"
#include "strategy/totp/totp_nodes.hpp"
#include "strategy/totp/totp_settings.hpp"

namespace bia::strategy::totp {

using selfservice::Rejection;
using selfservice::login::LoginAttempt;
using selfservice::login::LoginFlow;

namespace {

// The TOTP credential of the caller's identity, if the caller is signed in and has one.
const identity::Credential* TotpOf(const selfservice::RequestContext& ctx) {
    if (!ctx.session || !ctx.session->identity) return nullptr;
    return ctx.session->identity->FindCredential(identity::kCredentialTotp);
}

}  // namespace

std::string_view TotpLogin::Id() const { return kMethod; }

core::Status TotpLogin::Populate(const selfservice::RequestContext& ctx, LoginFlow& flow) {
    // A second factor: only aal2 flows of a signed-in identity that has TOTP show it.
    if (!config_.selfservice.methods.totp.enabled || flow.requested_aal != session::kAal2 || !TotpOf(ctx)) return {};
    flow.ui.Upsert(CodeInput(text::NewInfoLoginTotpLabel()));
    flow.ui.Upsert(MethodSubmit(text::NewInfoLoginTotp()));
    return {};
}

LoginAttempt TotpLogin::Login(const selfservice::RequestContext& ctx, LoginFlow& flow, const nlohmann::json& body) {
    auto read = ReadLoginCode(ctx, flow, body, kMethod, config_.selfservice.methods.totp.enabled, kCodeField, random_);
    if (auto* answer = std::get_if<LoginAttempt>(&read)) return std::move(*answer);
    const std::string& code = std::get<std::string>(read);
    // The login flow only lets aal2 submissions through with a session (surrounding-api.md §7).
    const identity::Credential* credential = TotpOf(ctx);
    if (credential == nullptr) return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationNoTotpDevice()));
    const auto url = credential->config.find("totp_url");
    const auto secret =
        url != credential->config.end() && url->is_string() ? SecretOfKeyUrl(url->get<std::string>()) : std::nullopt;
    if (!secret) return LoginAttempt::Failed(core::Internal("the stored TOTP credential has no usable key URL"));
    // Kratos reports a wrong login code on the flow ("#/"), not on the field.
    if (!VerifyTotp(*secret, code, clock_.Now())) {
        return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationTotpVerifierWrong()));
    }
    session::AuthenticationMethod method;
    method.method = std::string(kMethod);
    method.aal = std::string(session::kAal2);
    return LoginAttempt::Succeeded({*ctx.session->identity, std::move(method)});
}

}  // namespace bia::strategy::totp
