// GET and POST /self-service/undo (a Bia addition): the link of a change notice. GET only shows
// what it would undo — mail scanners open links — (JSON, or a page with one confirm button for
// browsers); POST with the token undoes it (JSON: 200 with the result; forms: 303 to the login
// UI). docs/verification-recovery.md.
#pragma once

#include <string>

#include "http/router.hpp"
#include "selfservice/undo/undo_service.hpp"
#include "text/catalog.hpp"

namespace bia::http::routes {

class UndoRoutes {
  public:
    UndoRoutes(selfservice::undo::UndoService& undo, std::string public_base_url, std::string login_ui_url)
        : undo_(undo), public_base_url_(std::move(public_base_url)), login_ui_url_(std::move(login_ui_url)) {}
    void Register(Router& public_router);

  private:
    Response Show(Request& r);
    Response Confirm(Request& r);
    selfservice::undo::UndoService& undo_;
    std::string public_base_url_;
    std::string login_ui_url_;
};

}  // namespace bia::http::routes
