// GET /self-service/errors?id= (surrounding-api.md §11): the stored error a browser was sent to
// the error UI with.
#pragma once

#include "http/router.hpp"
#include "selfservice/flow/error_store.hpp"

namespace bia::http::routes {

inline constexpr std::string_view kRouteSelfServiceErrors = "/self-service/errors";

class SelfServiceErrorRoutes {
  public:
    explicit SelfServiceErrorRoutes(selfservice::ErrorStore& errors) : errors_(errors) {}
    void Register(Router& public_router);
    Response Get(Request& r);

  private:
    selfservice::ErrorStore& errors_;
};

}  // namespace bia::http::routes
