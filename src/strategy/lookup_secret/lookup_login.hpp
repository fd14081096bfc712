// The lookup_secret method of the login flow (surrounding-api.md §7): a backup recovery code as
// the second factor of an aal2 flow. A valid unused code is marked used (stored before the
// session changes) and re-authenticates the same session with {"method":"lookup_secret",
// "aal":"aal2"}; a used code answers 4000012, an unknown one 4000016.
#pragma once

#include "strategy/code_login.hpp"

namespace bia::strategy::lookup_secret {

class LookupLogin final : public SecondFactorLogin {
  public:
    using SecondFactorLogin::SecondFactorLogin;

    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;
};

}  // namespace bia::strategy::lookup_secret
