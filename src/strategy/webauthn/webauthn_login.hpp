// The webauthn method of the login flow as a second factor (surrounding-api.md §7): an aal2
// browser flow of a signed-in identity with security keys shows the script and a trigger with
// options allowing those keys; the signed assertion the browser posts in `webauthn_login` is
// verified against the kept ceremony and the stored key, whose counter is then updated, and the
// same session is re-authenticated with {"method":"webauthn","aal":"aal2"}.
#pragma once

#include "strategy/code_login.hpp"

namespace bia::strategy::webauthn {

class WebAuthnLogin final : public SecondFactorLogin {
  public:
    using SecondFactorLogin::SecondFactorLogin;

    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;
};

}  // namespace bia::strategy::webauthn
