// The totp method of the login flow (surrounding-api.md §7): the second factor of an aal2 flow.
// A signed-in identity with TOTP sees `totp_code`; a valid code re-authenticates the same session
// with {"method":"totp","aal":"aal2"}.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "selfservice/login/login_strategy.hpp"

namespace bia::strategy::totp {

class TotpLogin final : public selfservice::login::LoginStrategy {
  public:
    TotpLogin(const config::Config& config, const core::Clock& clock, core::Random& random)
        : config_(config), clock_(clock), random_(random) {}

    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;

  private:
    const config::Config& config_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::totp
