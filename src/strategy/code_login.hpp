// What the second-factor logins share (totp, lookup_secret, webauthn): reading the submission —
// it must name the method, the method must be enabled, the code field must be there (never echoed
// back), the CSRF token must match, a browser flow gets a fresh token — and, for methods that
// write to the identity on success (a spent code, a moved counter), storing that change.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "selfservice/login/login_strategy.hpp"
#include "session/session.hpp"
#include "strategy/body_fields.hpp"
#include "text/message.hpp"
#include "ui/node.hpp"

namespace bia::strategy {

// The submitted code, or the attempt to answer instead (NotResponsible when the body names
// another method — unless `field_claims` and the code field is there: webauthn's script posts its
// hidden field without a `method`).
inline std::variant<std::string, selfservice::login::LoginAttempt> ReadLoginCode(
    const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow, const nlohmann::json& body,
    std::string_view method, bool enabled, std::string_view code_field, core::Random& random,
    bool field_claims = false) {
    using selfservice::login::LoginAttempt;
    const bool claimed = StringField(body, "method") == std::string(method) ||
                         (field_claims && StringField(body, code_field).has_value());
    if (!claimed) return LoginAttempt::NotResponsible();
    if (!enabled) return LoginAttempt::Failed(selfservice::MethodDisabled());
    flow.ui.ClearValue(code_field);
    std::optional<std::string> code = StringField(body, code_field);
    if (!code) {
        return LoginAttempt::Rejected(
            selfservice::Rejection::OnNode(std::string(code_field), text::NewValidationErrorRequired(code_field)));
    }
    if (auto s = selfservice::EnsureCsrf(flow.type, ctx, StringField(body, ui::kCsrfTokenName).value_or("")); !s) {
        return LoginAttempt::Failed(std::move(s).error());
    }
    if (flow.type == selfservice::FlowType::kBrowser) {
        flow.ui.SetCsrf(selfservice::MaskedCsrfToken(flow.type, ctx, random));
    }
    return std::move(*code);
}

// What a second-factor login strategy that writes to the identity (a spent code, a moved
// counter) is built from.
class SecondFactorLogin : public selfservice::login::LoginStrategy {
  public:
    // Public so that derived classes can inherit it (`using SecondFactorLogin::SecondFactorLogin`).
    SecondFactorLogin(const config::Config& config, identity::IdentityRepository& identities, const core::Clock& clock,
                      core::Random& random)
        : config_(config), identities_(identities), clock_(clock), random_(random) {}

  protected:
    // Writes `config` into `who`'s credential of `credential_type` (optimistically: a racing write
    // of the same identity makes this one fail with 409), then answers that `method` proved aal2
    // for this flow.
    selfservice::login::LoginAttempt StoreAndSucceed(selfservice::login::LoginFlow& flow, identity::Identity who,
                                                     std::string_view credential_type, nlohmann::json config,
                                                     std::string_view method) {
        identity::Credential& stored = who.credentials.at(std::string(credential_type));
        stored.config = std::move(config);
        stored.updated_at = who.updated_at = clock_.Now();
        if (auto s = identities_.Update(who); !s) return selfservice::login::LoginAttempt::Failed(std::move(s).error());
        flow.active = std::string(method);
        session::AuthenticationMethod proved;
        proved.method = std::string(method);
        proved.aal = std::string(session::kAal2);
        return selfservice::login::LoginAttempt::Succeeded({std::move(who), std::move(proved)});
    }

    const config::Config& config_;
    identity::IdentityRepository& identities_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy
