// Public login routes (surrounding-api.md §7): thin handlers that prepare the request context,
// call selfservice::login::LoginService and map its outcome to a response.
#pragma once

#include "http/router.hpp"
#include "http/routes/self_service_http.hpp"
#include "selfservice/login/login_service.hpp"

namespace bia::http::routes {

class LoginRoutes {
  public:
    LoginRoutes(selfservice::login::LoginService& login, const SelfServiceHttp& http) : login_(login), http_(http) {}

    // GET /self-service/login/api, /browser, /flows; POST /self-service/login (offloaded: it
    // verifies passwords).
    void Register(Router& public_router);

    Response InitApi(Request& r);
    Response InitBrowser(Request& r);
    Response Fetch(Request& r);
    Response Submit(Request& r);

  private:
    selfservice::login::LoginService& login_;
    const SelfServiceHttp& http_;
};

}  // namespace bia::http::routes
