// The public routes of a self-service flow that follows the create/fetch/submit pattern — login,
// registration, verification and recovery (surrounding-api.md §7–10): thin handlers that prepare the request context,
// call the flow service and map its outcome to a response. Settings has its own routes (continuity, the
// session-required wrapper).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "http/router.hpp"
#include "http/routes/flow_body.hpp"
#include "http/routes/self_service_http.hpp"
#include "schema/schema.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/recovery/recovery_service.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "selfservice/verification/verification_service.hpp"

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

    // GET <init_api>, <init_browser>, <fetch>; POST <submit>. Inits and submits are offloaded: they
    // write (a new flow; a submit may also hash a password), and a write waits for its commit.
    void Register(Router& router) {
        router.Add(
            "GET", std::string(paths_.init_api), [this](Request& r) { return InitApi(r); }, Execution::kOffload);
        router.Add(
            "GET", std::string(paths_.init_browser), [this](Request& r) { return InitBrowser(r); },
            Execution::kOffload);
        router.Add("GET", std::string(paths_.fetch), [this](Request& r) { return Fetch(r); });
        router.Add(
            "POST", std::string(paths_.submit), [this](Request& r) { return Submit(r); }, Execution::kOffload);
        if constexpr (kHasLinks) {
            router.Add(
                "GET", std::string(paths_.submit), [this](Request& r) { return SubmitLink(r); }, Execution::kOffload);
        }
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

    // GET <submit>?flow=&token= (or &code=): a link from an email, opened in whatever browser
    // the mail client uses. The CSRF cookie is set when missing, so the flow that follows (the
    // settings flow after a recovery) works in that browser.
    Response SubmitLink(Request& r) {
        auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
        if (!p) return http_.Fail(r, p.error());
        return http_.Respond(r, service_.SubmitLink(p->ctx, r.query.Get("flow").value_or(""), r.query),
                             std::move(p->cookies));
    }

  private:
    // Verification and recovery also take their answer by a link (GET on the submit route).
    static constexpr bool kHasLinks =
        requires(Service & s, const selfservice::RequestContext& c, const core::Query& q) {
        s.SubmitLink(c, std::string_view(), q);
    };
    Service& service_;
    const SelfServiceHttp& http_;
    FlowRoutePaths paths_;
    const schema::SchemaRegistry* schemas_;
};

using LoginRoutes = FlowRoutes<selfservice::login::LoginService>;
using RegistrationRoutes = FlowRoutes<selfservice::registration::RegistrationService>;
using VerificationRoutes = FlowRoutes<selfservice::verification::VerificationService>;
using RecoveryRoutes = FlowRoutes<selfservice::recovery::RecoveryService>;

}  // namespace bia::http::routes
