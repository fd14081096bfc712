// The oidc method's strategies (settings-flow.md §8.6, surrounding-api.md §7–8). Each starts an
// authorization request when a browser submits a provider (the flow answers with a redirect to
// the provider) and finishes the flow when the callback hands it what the provider vouched for
// (RequestContext::external): login signs in the identity linked to `<provider>:<subject>`,
// registration creates one from the mapper's traits, settings links or unlinks a provider.
#pragma once

#include "identity/identity_service.hpp"
#include "selfservice/login/login_strategy.hpp"
#include "selfservice/registration/registration_strategy.hpp"
#include "selfservice/settings/settings_strategy.hpp"
#include "session/aal.hpp"
#include "strategy/oidc/oidc_method.hpp"

namespace bia::strategy::oidc {

class OidcLogin final : public selfservice::login::LoginStrategy {
  public:
    OidcLogin(OidcMethod& method, identity::IdentityService& identities) : method_(method), identities_(identities) {}
    std::string_view Id() const override { return kMethod; }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;

  private:
    OidcMethod& method_;
    identity::IdentityService& identities_;
};

class OidcRegistration final : public selfservice::registration::RegistrationStrategy {
  public:
    OidcRegistration(OidcMethod& method, identity::IdentityService& identities, const core::Clock& clock,
                     core::Random& random)
        : method_(method), identities_(identities), clock_(clock), random_(random) {}
    std::string_view Id() const override { return kMethod; }
    core::Status Populate(const selfservice::RequestContext& ctx,
                          selfservice::registration::RegistrationFlow& flow) override;
    selfservice::registration::RegistrationAttempt Register(const selfservice::RequestContext& ctx,
                                                            selfservice::registration::RegistrationFlow& flow,
                                                            const nlohmann::json& body) override;

  private:
    selfservice::registration::RegistrationAttempt Create(const selfservice::ExternalIdentity& external);
    OidcMethod& method_;
    identity::IdentityService& identities_;
    const core::Clock& clock_;
    core::Random& random_;
};

class OidcSettings final : public selfservice::settings::SettingsStrategy {
  public:
    OidcSettings(OidcMethod& method, identity::IdentityService& identities, const session::AalRules& aal_rules)
        : method_(method), identities_(identities), aal_rules_(aal_rules) {}
    std::string_view Id() const override { return kMethod; }
    std::vector<std::string> NodeOrder() const override { return {"link", "unlink"}; }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& submission) override;

    // Providers the identity may link (configured, not linked yet) and unlink (linked, and the
    // identity keeps another first factor: at least two first-factor credentials in all).
    std::vector<const ConfiguredProvider*> Linkable(const identity::Identity& identity) const;
    std::vector<const ConfiguredProvider*> Unlinkable(const identity::Identity& identity) const;

  private:
    selfservice::settings::SettingsAttempt FinishLink(selfservice::settings::SettingsSubmission& sub,
                                                      const selfservice::ExternalIdentity& external);
    OidcMethod& method_;
    identity::IdentityService& identities_;
    const session::AalRules& aal_rules_;
};

}  // namespace bia::strategy::oidc
