#include "http/routes/login_routes.hpp"

#include "http/routes/flow_body.hpp"

namespace bia::http::routes {

using selfservice::FlowType;
namespace login = selfservice::login;

void LoginRoutes::Register(Router& router) {
    router.Add("GET", std::string(login::kRouteInitApi), [this](Request& r) { return InitApi(r); });
    router.Add("GET", std::string(login::kRouteInitBrowser), [this](Request& r) { return InitBrowser(r); });
    router.Add("GET", std::string(login::kRouteFetch), [this](Request& r) { return Fetch(r); });
    router.Add(
        "POST", std::string(login::kRouteSubmit), [this](Request& r) { return Submit(r); }, Execution::kOffload);
}

Response LoginRoutes::InitApi(Request& r) {
    // API endpoints are excluded from the CSRF middleware: no cookie is ever set here.
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Respond(r, selfservice::Failed{FlowType::kApi, p.error()});
    return http_.Respond(r, login_.Init(FlowType::kApi, p->ctx));
}

Response LoginRoutes::InitBrowser(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
    if (!p) return http_.Fail(r, p.error());
    return http_.Respond(r, login_.Init(FlowType::kBrowser, p->ctx), std::move(p->cookies));
}

Response LoginRoutes::Fetch(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, false);
    if (!p) return Response::Error(p.error(), r.RequestId());
    auto flow = login_.Fetch(p->ctx, r.query.Get("id").value_or(""));
    Response resp = flow ? Response::Json(200, *flow) : Response::Error(flow.error(), r.RequestId());
    for (const auto& c : p->cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

Response LoginRoutes::Submit(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Fail(r, p.error());
    const auto body = DecodeFlowBody(r, nullptr);
    return http_.Respond(r, login_.Submit(p->ctx, r.query.Get("flow").value_or(""), body));
}

}  // namespace bia::http::routes
