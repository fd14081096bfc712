// Bia's built-in account UI (docs/builtin-ui.md), on when selfservice.builtin_ui.enabled:
// GET PUBLIC/ui/{login,registration,settings,verification,recovery} show a flow (without `flow` they start one),
// /ui/error a stored self-service error, /ui/welcome who is signed in. Each page reads its data
// through the very handler a browser's JSON fetch would reach, with the browser's cookies, so the
// pages see exactly what any other UI sees; forms post to the flows' own actions.
#pragma once

#include <string>
#include <vector>

#include "http/router.hpp"
#include "http/routes/flow_routes.hpp"
#include "http/routes/self_service_error_routes.hpp"
#include "http/routes/session_routes.hpp"
#include "http/routes/settings_routes.hpp"
#include "text/catalog.hpp"
#include "ui/html_page.hpp"

namespace bia::http::routes {

inline constexpr std::string_view kUiPrefix = "/ui/";

class UiPages {
  public:
    UiPages(LoginRoutes& login, RegistrationRoutes& registration, SettingsRoutes& settings,
            SelfServiceErrorRoutes& errors, SessionRoutes& sessions, std::string public_base_url,
            std::vector<text::Catalog> catalogs = {})
        : login_(login),
          registration_(registration),
          settings_(settings),
          errors_(errors),
          sessions_(sessions),
          public_base_url_(std::move(public_base_url)),
          catalogs_(std::move(catalogs)) {}

    // The verification and recovery pages (registered when set before Register).
    void SetAddressFlows(VerificationRoutes* verification, RecoveryRoutes* recovery) {
        verification_ = verification;
        recovery_ = recovery;
    }
    void Register(Router& public_router);

    Response Login(Request& r);
    Response Registration(Request& r);
    Response Settings(Request& r);
    Response Verification(Request& r);
    Response Recovery(Request& r);
    Response Error(Request& r);
    Response Welcome(Request& r);

  private:
    // The catalogue the request's Accept-Language asks for (nullptr: English).
    const text::Catalog* CatalogFor(const Request& r) const;
    std::vector<ui::PageLink> LoginLinks(const text::Catalog* c) const;

    LoginRoutes& login_;
    RegistrationRoutes& registration_;
    SettingsRoutes& settings_;
    SelfServiceErrorRoutes& errors_;
    SessionRoutes& sessions_;
    VerificationRoutes* verification_ = nullptr;
    RecoveryRoutes* recovery_ = nullptr;
    std::string public_base_url_;
    std::vector<text::Catalog> catalogs_;
};

}  // namespace bia::http::routes
