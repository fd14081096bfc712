// Admin courier routes (Kratos's listCourierMessages and getCourierMessage): the queue of
// outgoing email as the admin API shows it. Thin: query decoding, the repository, the JSON view.
#pragma once

#include "courier/message_repository.hpp"
#include "http/router.hpp"

namespace bia::http::routes {

class CourierRoutes {
  public:
    explicit CourierRoutes(courier::MessageRepository& messages) : messages_(messages) {}
    void Register(Router& admin);

    // GET /admin/courier/messages?status=&recipient=&page_size=&page_token= — newest first; a
    // Link header names the first page and, when more follow, the next one (keyset paging).
    Response List(Request& r);
    // GET /admin/courier/messages/{id} — 404 envelope when absent.
    Response Get(Request& r);

  private:
    courier::MessageRepository& messages_;
};

}  // namespace bia::http::routes
