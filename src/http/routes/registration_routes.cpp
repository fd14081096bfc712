#include "http/routes/registration_routes.hpp"

#include "http/routes/flow_body.hpp"

namespace bia::http::routes {

using selfservice::FlowType;
namespace registration = selfservice::registration;

void RegistrationRoutes::Register(Router& router) {
    router.Add("GET", std::string(registration::kRouteInitApi), [this](Request& r) { return InitApi(r); });
    router.Add("GET", std::string(registration::kRouteInitBrowser), [this](Request& r) { return InitBrowser(r); });
    router.Add("GET", std::string(registration::kRouteFetch), [this](Request& r) { return Fetch(r); });
    router.Add(
        "POST", std::string(registration::kRouteSubmit), [this](Request& r) { return Submit(r); }, Execution::kOffload);
}

Response RegistrationRoutes::InitApi(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Respond(r, selfservice::Failed{FlowType::kApi, p.error()});
    return http_.Respond(r, registration_.Init(FlowType::kApi, p->ctx));
}

Response RegistrationRoutes::InitBrowser(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
    if (!p) return http_.Fail(r, p.error());
    return http_.Respond(r, registration_.Init(FlowType::kBrowser, p->ctx), std::move(p->cookies));
}

Response RegistrationRoutes::Fetch(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, false);
    if (!p) return Response::Error(p.error(), r.RequestId());
    auto flow = registration_.Fetch(p->ctx, r.query.Get("id").value_or(""));
    Response resp = flow ? Response::Json(200, *flow) : Response::Error(flow.error(), r.RequestId());
    for (const auto& c : p->cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

Response RegistrationRoutes::Submit(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Fail(r, p.error());
    const auto body = DecodeFlowBody(r, &schemas_.Default());
    return http_.Respond(r, registration_.Submit(p->ctx, r.query.Get("flow").value_or(""), body));
}

}  // namespace bia::http::routes
