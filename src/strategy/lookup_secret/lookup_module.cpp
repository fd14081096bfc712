#include "strategy/lookup_secret/lookup_module.hpp"

#include "identity/identity.hpp"
#include "session/session.hpp"
#include "strategy/lookup_secret/lookup_codes.hpp"
#include "strategy/lookup_secret/lookup_login.hpp"
#include "strategy/lookup_secret/lookup_settings.hpp"

namespace bia::strategy::lookup_secret {

namespace {

class LookupSecretModule final : public MethodModule {
  public:
    explicit LookupSecretModule(const MethodDeps& d)
        : login_(d.config, d.identities.repository(), d.clock, d.random), settings_(d.config, d.clock, d.random) {}

    const MethodInfo& Info() const override {
        static constexpr MethodInfo kInfo{kMethod, identity::kCredentialLookupSecret, session::kAal2};
        return kInfo;
    }
    session::FactorCount Factors(const identity::Credential& c) const override { return lookup_secret::Factors(c); }
    selfservice::login::LoginStrategy* Login() override { return &login_; }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

  private:
    LookupLogin login_;
    LookupSettings settings_;
};

}  // namespace

session::FactorCount Factors(const identity::Credential& c) {
    // A second factor while the set is not empty (used codes included, as Kratos counts).
    const auto codes = ParseCodes(c.config);
    return {0, codes && !codes->empty() ? 1 : 0};
}

std::unique_ptr<MethodModule> MakeLookupSecretModule(const MethodDeps& deps) {
    return std::make_unique<LookupSecretModule>(deps);
}

}  // namespace bia::strategy::lookup_secret
