#include "strategy/totp/totp_module.hpp"

#include "identity/identity.hpp"
#include "session/session.hpp"
#include "strategy/totp/totp_login.hpp"
#include "strategy/totp/totp_settings.hpp"

namespace bia::strategy::totp {

namespace {

class TotpModule final : public MethodModule {
  public:
    explicit TotpModule(const MethodDeps& d)
        : login_(d.config, d.clock, d.random), settings_(d.config, d.schemas, d.clock, d.random) {}

    const MethodInfo& Info() const override {
        static constexpr MethodInfo kInfo{kMethod, identity::kCredentialTotp, session::kAal2};
        return kInfo;
    }
    session::FactorCount Factors(const identity::Credential& c) const override { return totp::Factors(c); }
    selfservice::login::LoginStrategy* Login() override { return &login_; }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

  private:
    TotpLogin login_;
    TotpSettings settings_;
};

}  // namespace

session::FactorCount Factors(const identity::Credential& c) {
    // A second factor while it holds a key URL.
    auto url = c.config.find("totp_url");
    const bool usable = url != c.config.end() && url->is_string() && !url->get_ref<const std::string&>().empty();
    return {0, usable ? 1 : 0};
}

std::unique_ptr<MethodModule> MakeTotpModule(const MethodDeps& deps) { return std::make_unique<TotpModule>(deps); }

}  // namespace bia::strategy::totp
