// The public routes of a self-service flow that follows the create/fetch/submit pattern — login
// and registration (surrounding-api.md §7–8): thin handlers that prepare the request context, call
// the flow service and map its outcome to a response. Settings has its own routes (continuity,
// the session-required wrapper).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "http/router.hpp"
#include "http/routes/flow_body.hpp"
#include "http/routes/self_service_http.hpp"
#include "schema/schema.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/registration/registration_service.hpp"

namespace bia::http::routes {

struct FlowRoutePaths {
    std::string_view init_api;
    std::string_view init_browser;
    std::string_view fetch;
    std::string_view submit;
};

// `Service` offers Init(FlowType, ctx), Fetch(ctx, id) and Submit(ctx, flow_id, body).
template <class Service>
class FlowRoutes {
  public:
    // `schemas`: when set, submitted form bodies decode `traits.*` by the default schema's types.
    FlowRoutes(Service& service, const SelfServiceHttp& http, FlowRoutePaths paths,
               const schema::SchemaRegistry* schemas = nullptr)
        : service_(service), http_(http), paths_(paths), schemas_(schemas) {}

    // GET <init_api>, <init_browser>, <fetch>; POST <submit> (offloaded: it may hash passwords).
    void Register(Router& router) {
        router.Add("GET", std::string(paths_.init_api), [this](Request& r) { return InitApi(r); });
        router.Add("GET", std::string(paths_.init_browser), [this](Request& r) { return InitBrowser(r); });
        router.Add("GET", std::string(paths_.fetch), [this](Request& r) { return Fetch(r); });
        router.Add(
            "POST", std::string(paths_.submit), [this](Request& r) { return Submit(r); }, Execution::kOffload);
    }

    Response InitApi(Request& r) {
        // API endpoints are excluded from the CSRF middleware: no cookie is ever set here.
        auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
        if (!p) return http_.Respond(r, selfservice::Failed{selfservice::FlowType::kApi, p.error()});
        return http_.Respond(r, service_.Init(selfservice::FlowType::kApi, p->ctx));
    }

    Response InitBrowser(Request& r) {
        auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
        if (!p) return http_.Fail(r, p.error());
        return http_.Respond(r, service_.Init(selfservice::FlowType::kBrowser, p->ctx), std::move(p->cookies));
    }

    Response Fetch(Request& r) {
        auto p = http_.Prepare(r, CsrfMiddleware::kApply, false);
        if (!p) return Response::Error(p.error(), r.RequestId());
        auto flow = service_.Fetch(p->ctx, r.query.Get("id").value_or(""));
        Response resp = flow ? Response::Json(200, *flow) : Response::Error(flow.error(), r.RequestId());
        for (const auto& c : p->cookies) resp.AddCookie(c);
        AddVaryCookie(resp);
        return resp;
    }

    Response Submit(Request& r) {
        auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
        if (!p) return http_.Fail(r, p.error());
        const auto body = DecodeFlowBody(r, schemas_ ? &schemas_->Default() : nullptr);
        return http_.Respond(r, service_.Submit(p->ctx, r.query.Get("flow").value_or(""), body));
    }

  private:
    Service& service_;
    const SelfServiceHttp& http_;
    FlowRoutePaths paths_;
    const schema::SchemaRegistry* schemas_;
};

using LoginRoutes = FlowRoutes<selfservice::login::LoginService>;
using RegistrationRoutes = FlowRoutes<selfservice::registration::RegistrationService>;

}  // namespace bia::http::routes
