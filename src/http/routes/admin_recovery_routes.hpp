// POST /admin/recovery/link and /admin/recovery/code (surrounding-api.md §10, Kratos's
// createRecoveryLinkForIdentity / createRecoveryCodeForIdentity): an admin makes a recovery link
// or code for an identity and hands it over out of band; nothing is sent.
#pragma once

#include "http/router.hpp"
#include "selfservice/recovery/recovery_service.hpp"

namespace bia::http::routes {

class AdminRecoveryRoutes {
  public:
    explicit AdminRecoveryRoutes(selfservice::recovery::RecoveryService& recovery) : recovery_(recovery) {}
    void Register(Router& admin);

  private:
    Response Create(Request& r, std::string_view method);
    selfservice::recovery::RecoveryService& recovery_;
};

}  // namespace bia::http::routes
