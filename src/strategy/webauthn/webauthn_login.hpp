// The webauthn method of the login flow as a second factor (surrounding-api.md §7): an aal2
// browser flow of a signed-in identity with security keys shows the script and a trigger with
// options allowing those keys; the signed assertion the browser posts in `webauthn_login` is
// verified against the kept ceremony and the stored key, whose counter is then updated, and the
// same session is re-authenticated with {"method":"webauthn","aal":"aal2"}.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/login/login_strategy.hpp"

namespace bia::strategy::webauthn {

class WebAuthnLogin final : public selfservice::login::LoginStrategy {
  public:
    WebAuthnLogin(const config::Config& config, identity::IdentityRepository& identities, const core::Clock& clock,
                  core::Random& random)
        : config_(config), identities_(identities), clock_(clock), random_(random) {}

    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;

  private:
    const config::Config& config_;
    identity::IdentityRepository& identities_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::webauthn
