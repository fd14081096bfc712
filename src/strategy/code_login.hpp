// The common start of a login with a one-time code (totp, lookup_secret): the submission must
// name the method, the method must be enabled, the code field must be there (it is never echoed
// back), the CSRF token must match, and a browser flow gets a fresh token for its next render.
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
    const config::Config& config_;
    identity::IdentityRepository& identities_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy
