#include "strategy/lookup_secret/lookup_login.hpp"

#include <chrono>

#include "core/crypto_util.hpp"
#include "session/session.hpp"
#include "strategy/code_login.hpp"
#include "strategy/lookup_secret/lookup_codes.hpp"

namespace bia::strategy::lookup_secret {

using selfservice::Rejection;
using selfservice::login::LoginAttempt;
using selfservice::login::LoginFlow;

namespace {

// The lookup credential of the caller's identity, if the caller is signed in and has one.
const identity::Credential* LookupOf(const selfservice::RequestContext& ctx) {
    if (!ctx.session || !ctx.session->identity) return nullptr;
    return ctx.session->identity->FindCredential(identity::kCredentialLookupSecret);
}

}  // namespace

std::string_view LookupLogin::Id() const { return kMethod; }

core::Status LookupLogin::Populate(const selfservice::RequestContext& ctx, LoginFlow& flow) {
    // A second factor: only aal2 flows of a signed-in identity that has codes show it.
    if (!config_.selfservice.methods.lookup_secret.enabled || flow.requested_aal != session::kAal2 || !LookupOf(ctx))
        return {};
    flow.ui.Upsert(LoginCodeInput());
    flow.ui.Upsert(LoginMethodSubmit());
    return {};
}

LoginAttempt LookupLogin::Login(const selfservice::RequestContext& ctx, LoginFlow& flow, const nlohmann::json& body) {
    auto read = ReadLoginCode(ctx, flow, body, kMethod, config_.selfservice.methods.lookup_secret.enabled,
                              kLoginCodeField, random_);
    if (auto* answer = std::get_if<LoginAttempt>(&read)) return std::move(*answer);
    const std::string& code = std::get<std::string>(read);
    const identity::Credential* credential = LookupOf(ctx);
    if (credential == nullptr) return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationNoLookup()));
    std::vector<RecoveryCode> codes = ParseCodes(credential->config).value_or(std::vector<RecoveryCode>{});
    // Every stored code is compared in constant time, so the answer's timing tells nothing about
    // which one (or how much of one) matched.
    RecoveryCode* match = nullptr;
    for (auto& c : codes) {
        if (core::ConstantTimeEquals(c.code, code) && match == nullptr) match = &c;
    }
    // Kratos reports both on the flow ("#/").
    if (match == nullptr) return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationLookupInvalid()));
    if (match->used_at) return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationLookupAlreadyUsed()));

    // Spend the code before the session changes: of two submissions of the same code racing each
    // other, the second finds the identity changed and fails (409).
    match->used_at = std::chrono::floor<std::chrono::seconds>(clock_.Now());
    return StoreAndSucceed(flow, *ctx.session->identity, identity::kCredentialLookupSecret, CodesConfig(codes),
                           kMethod);
}

}  // namespace bia::strategy::lookup_secret
