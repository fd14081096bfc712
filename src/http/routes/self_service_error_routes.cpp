#include "http/routes/self_service_error_routes.hpp"

namespace bia::http::routes {

void SelfServiceErrorRoutes::Register(Router& router) {
    router.Add("GET", std::string(kRouteSelfServiceErrors), [this](Request& r) { return Get(r); });
}

Response SelfServiceErrorRoutes::Get(Request& r) {
    // `?error=` is the older spelling of `?id=`.
    auto id = r.query.Get("id");
    if (!id || id->empty()) id = r.query.Get("error");
    auto e = errors_.Read(id.value_or(""));
    if (!e) return Response::Error(e.error(), r.RequestId());
    return Response::Json(200, *e);
}

}  // namespace bia::http::routes
