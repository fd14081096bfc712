// The social sign-in callback (surrounding-api.md §10): GET /self-service/methods/oidc/callback/
// {provider} hands the provider's answer to strategy::oidc::OidcCallback and maps the outcome
// like any flow submission; POST (providers answering with response_mode=form_post) is sent on
// to the GET with the same parameters, so the browser's SameSite=Lax cookies come along.
#pragma once

#include "http/router.hpp"
#include "http/routes/self_service_http.hpp"
#include "http/routes/settings_routes.hpp"
#include "strategy/oidc/oidc_callback.hpp"

namespace bia::http::routes {

class OidcRoutes {
  public:
    OidcRoutes(strategy::oidc::OidcCallback& callback, const SelfServiceHttp& http, const SettingsRoutes& settings)
        : callback_(callback), http_(http), settings_(settings) {}
    void Register(Router& public_router);

    Response Callback(Request& r);
    Response CallbackPost(Request& r);

  private:
    strategy::oidc::OidcCallback& callback_;
    const SelfServiceHttp& http_;
    const SettingsRoutes& settings_;
};

}  // namespace bia::http::routes
