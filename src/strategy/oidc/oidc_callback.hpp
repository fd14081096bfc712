// Where an identity provider sends the browser back (GET /self-service/methods/oidc/callback/
// <provider>, surrounding-api.md §10): the state parameter names the flow; the flow must be
// waiting for this provider, for this state and for this browser (its CSRF cookie). Then the code
// is exchanged, the ID token verified and its claims mapped, and the flow goes on through its own
// service with what the provider vouched for (RequestContext::external): a login for an unknown
// subject becomes a registration, a registration of a known one a login (as Kratos does); a
// settings flow links the provider. Whatever went wrong with the provider is shown on the flow.
#pragma once

#include <string_view>

#include "core/url.hpp"
#include "identity/identity_service.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "strategy/oidc/oidc_method.hpp"

namespace bia::strategy::oidc {

class OidcCallback {
  public:
    OidcCallback(const config::Config& config, OidcMethod& method, identity::IdentityService& identities,
                 selfservice::login::LoginService& login, selfservice::login::LoginFlowRepository& login_flows,
                 selfservice::registration::RegistrationService& registration,
                 selfservice::registration::RegistrationFlowRepository& registration_flows,
                 selfservice::settings::SettingsService& settings,
                 selfservice::settings::SettingsFlowRepository& settings_flows)
        : config_(config),
          method_(method),
          identities_(identities),
          login_(login),
          login_flows_(login_flows),
          registration_(registration),
          registration_flows_(registration_flows),
          settings_(settings),
          settings_flows_(settings_flows) {}

    // `query`: the callback's query (state, code or error, error_description). `request` and
    // `continuity` are what a settings submission needs.
    selfservice::Outcome Handle(const selfservice::RequestContext& ctx, std::string_view provider_id,
                                const core::Query& query, const selfservice::settings::HookRequestFacts& request,
                                selfservice::ContinuityRefs& continuity);

  private:
    template <class Flow>
    core::Result<OidcMethod::Waiting> Consume(selfservice::FlowRepository<Flow>& flows, const State& state,
                                              std::string_view provider_id, const selfservice::RequestContext& ctx,
                                              std::string* request_url);
    selfservice::ExternalIdentity Answer(ConfiguredProvider& provider, const OidcMethod::Waiting& waiting,
                                         const core::Query& query) const;
    // Whether an identity is linked to the external identity's subject (errors count as "no").
    bool Known(const selfservice::ExternalIdentity& e);

    const config::Config& config_;
    OidcMethod& method_;
    identity::IdentityService& identities_;
    selfservice::login::LoginService& login_;
    selfservice::login::LoginFlowRepository& login_flows_;
    selfservice::registration::RegistrationService& registration_;
    selfservice::registration::RegistrationFlowRepository& registration_flows_;
    selfservice::settings::SettingsService& settings_;
    selfservice::settings::SettingsFlowRepository& settings_flows_;
};

}  // namespace bia::strategy::oidc
