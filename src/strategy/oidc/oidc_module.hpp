// The oidc method: social sign-in and account linking with OpenID Connect providers
// (selfservice.methods.oidc, provider `generic`) in browser login, registration and settings flows.
// Credential type "oidc" (identifiers `<provider>:<subject>`), a first factor (aal1). The callback
// that finishes a provider round trip is OidcCallback (oidc_callback.hpp).
#pragma once

#include <memory>

#include "strategy/method_module.hpp"
#include "strategy/oidc/oidc_method.hpp"
#include "strategy/oidc/oidc_strategies.hpp"

namespace bia::strategy::oidc {

class OidcModule final : public MethodModule {
  public:
    explicit OidcModule(const MethodDeps& deps);
    // What the module uses of MethodDeps (`http` and `cipher` outlive it).
    OidcModule(const config::Config& config, identity::IdentityService& identities, const session::AalRules& aal_rules,
               net::HttpClient& http, const crypto::TokenCipher& cipher, const core::Clock& clock,
               core::Random& random);
    const MethodInfo& Info() const override;
    // Each linked provider is a first factor (settings-flow.md §11).
    session::FactorCount Factors(const identity::Credential& credential) const override;
    core::Status Ready() const override { return method_.Ready(); }
    selfservice::login::LoginStrategy* Login() override { return &login_; }
    selfservice::registration::RegistrationStrategy* Registration() override { return &registration_; }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

    OidcMethod& method() { return method_; }

  private:
    OidcMethod method_;
    OidcLogin login_;
    OidcRegistration registration_;
    OidcSettings settings_;
};

std::unique_ptr<MethodModule> MakeOidcModule(const MethodDeps& deps);

}  // namespace bia::strategy::oidc
