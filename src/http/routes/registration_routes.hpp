// Public registration routes (surrounding-api.md §8): thin handlers over
// selfservice::registration::RegistrationService.
#pragma once

#include "http/router.hpp"
#include "http/routes/self_service_http.hpp"
#include "schema/schema.hpp"
#include "selfservice/registration/registration_service.hpp"

namespace bia::http::routes {

class RegistrationRoutes {
  public:
    // `schemas` types form submissions (the default schema's traits).
    RegistrationRoutes(selfservice::registration::RegistrationService& registration, const SelfServiceHttp& http,
                       const schema::SchemaRegistry& schemas)
        : registration_(registration), http_(http), schemas_(schemas) {}

    // GET /self-service/registration/api, /browser, /flows; POST /self-service/registration
    // (offloaded: it hashes the password).
    void Register(Router& public_router);

    Response InitApi(Request& r);
    Response InitBrowser(Request& r);
    Response Fetch(Request& r);
    Response Submit(Request& r);

  private:
    selfservice::registration::RegistrationService& registration_;
    const SelfServiceHttp& http_;
    const schema::SchemaRegistry& schemas_;
};

}  // namespace bia::http::routes
