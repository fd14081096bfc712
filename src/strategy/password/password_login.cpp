#include "strategy/password/password_login.hpp"

#include "crypto/password_hasher.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

using selfservice::Rejection;
using selfservice::login::LoginAttempt;
using selfservice::login::LoginFlow;

namespace {

// The identifier a refresh flow pre-fills: the session identity's first password identifier.
std::string RefreshIdentifier(const selfservice::RequestContext& ctx) {
    if (!ctx.session || !ctx.session->identity) return {};
    const auto* c = ctx.session->identity->FindCredential(identity::kCredentialPassword);
    return c && !c->identifiers.empty() ? c->identifiers.front() : std::string();
}

}  // namespace

core::Status PasswordLogin::Populate(const selfservice::RequestContext& ctx, LoginFlow& flow) {
    // The password is a first factor only; an aal2 flow shows second factors alone. A disabled
    // method renders nothing but still answers 404 when addressed (settings-flow.md §5.2).
    if (!config_.selfservice.methods.password.enabled || flow.requested_aal != session::kAal1) return {};
    const std::string refresh_identifier = flow.refresh ? RefreshIdentifier(ctx) : std::string();
    if (!refresh_identifier.empty()) {
        flow.ui.Upsert(ui::NewInput(kIdentifierField, ui::kGroupDefault, ui::kInputHidden, refresh_identifier));
    } else {
        flow.ui.Upsert(ui::WithLabel(ui::NewInput(kIdentifierField, ui::kGroupDefault, ui::kInputText, nullptr, true),
                                     IdentifierLabel(schemas_.Default())));
    }
    flow.ui.Upsert(PasswordInput("current-password"));
    flow.ui.Upsert(MethodSubmit(text::NewInfoLogin()));
    return {};
}

void PasswordLogin::PrepareRetry(const selfservice::RequestContext& ctx, LoginFlow& flow,
                                 const std::optional<std::string>& identifier) {
    flow.ui.ClearValue(kPasswordField);
    if (identifier) flow.ui.SetValue(kIdentifierField, *identifier);
    if (flow.type == selfservice::FlowType::kBrowser)
        flow.ui.SetCsrf(selfservice::MaskedCsrfToken(flow.type, ctx, random_));
}

LoginAttempt PasswordLogin::Login(const selfservice::RequestContext& ctx, LoginFlow& flow, const nlohmann::json& body) {
    if (flow.requested_aal != session::kAal1) return LoginAttempt::NotResponsible();
    if (StringField(body, "method") != std::string(kMethod)) return LoginAttempt::NotResponsible();
    if (!config_.selfservice.methods.password.enabled) return LoginAttempt::Failed(selfservice::MethodDisabled());

    std::optional<std::string> identifier = StringField(body, kIdentifierField);
    if (!identifier) identifier = StringField(body, kLegacyIdentifierField);  // G1 spelling
    const std::optional<std::string> password = StringField(body, kPasswordField);

    // Body validation comes before the CSRF check (settings-flow.md §8 "common to all methods").
    Rejection missing;
    if (!identifier)
        missing.messages.push_back({std::string(kIdentifierField), text::NewValidationErrorRequired(kIdentifierField)});
    if (!password)
        missing.messages.push_back({std::string(kPasswordField), text::NewValidationErrorRequired(kPasswordField)});
    if (!missing.messages.empty()) {
        PrepareRetry(ctx, flow, identifier);
        return LoginAttempt::Rejected(std::move(missing));
    }
    if (auto s = selfservice::EnsureCsrf(flow.type, ctx, StringField(body, ui::kCsrfTokenName).value_or(""), false);
        !s) {
        PrepareRetry(ctx, flow, identifier);
        return LoginAttempt::Failed(std::move(s).error());
    }

    const auto invalid = [&] {
        PrepareRetry(ctx, flow, identifier);
        return LoginAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationInvalidCredentials()));
    };

    // No password over the cap can match a stored one (none was ever set); refused before any
    // lookup or hashing work, after a dummy verification of its first bytes for equal timing.
    if (password->size() > crypto::kMaxPasswordBytes) {
        if (auto s = hashing_.DummyVerify(std::string_view(*password).substr(0, crypto::kMaxPasswordBytes)); !s)
            return LoginAttempt::Failed(std::move(s).error());
        return invalid();
    }

    // Normalised exactly as registration stored it (Unicode lower case, trimmed; issue 13).
    auto found = identities_.FindByCredentialIdentifier(identity::kCredentialPassword, *identifier);
    if (!found) {
        if (found.error().code != 404) return LoginAttempt::Failed(std::move(found).error());
        if (auto s = hashing_.DummyVerify(*password); !s) return LoginAttempt::Failed(std::move(s).error());
        return invalid();
    }
    identity::Identity& who = *found;
    const identity::Credential* cred = who.FindCredential(identity::kCredentialPassword);
    std::string hashed;
    if (cred) {
        auto it = cred->config.find("hashed_password");
        if (it != cred->config.end() && it->is_string()) hashed = it->get<std::string>();
    }
    if (hashed.empty()) {
        // An identity without a usable password (e.g. OIDC-only) fails like a wrong password.
        if (auto s = hashing_.DummyVerify(*password); !s) return LoginAttempt::Failed(std::move(s).error());
        return invalid();
    }
    auto ok = hashing_.Verify(*password, hashed);
    if (!ok) return LoginAttempt::Failed(std::move(ok).error());
    if (!*ok) return invalid();
    // Inactive identities cannot hold a valid session (surrounding-api.md §3).
    if (!who.IsActive()) return invalid();

    if (hashing_.NeedsRehash(hashed)) {
        auto fresh = hashing_.Hash(*password);
        if (!fresh) return LoginAttempt::Failed(std::move(fresh).error());
        identities_.SetPasswordHash(who, std::move(fresh).value());
        if (auto s = identities_.repository().Update(who); !s) return LoginAttempt::Failed(std::move(s).error());
    }
    flow.active = std::string(kMethod);
    return LoginAttempt::Succeeded(
        {std::move(who), session::AuthenticationMethod{std::string(kMethod), std::string(session::kAal1), {}, {}}});
}

}  // namespace bia::strategy::password
