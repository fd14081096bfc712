#include "http/routes/oidc_routes.hpp"

#include <string>

#include "core/url.hpp"

namespace bia::http::routes {

namespace {

constexpr std::string_view kCallbackPattern = "/self-service/methods/oidc/callback/{provider}";
constexpr size_t kMaxFormPostBytes = 16 * 1024;

}  // namespace

void OidcRoutes::Register(Router& public_router) {
    // Offloaded: the callback talks to the provider (token endpoint, keys) before answering.
    public_router.Add(
        "GET", std::string(kCallbackPattern), [this](Request& r) { return Callback(r); }, Execution::kOffload);
    public_router.Add("POST", std::string(kCallbackPattern), [this](Request& r) { return CallbackPost(r); });
}

Response OidcRoutes::Callback(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Fail(r, p.error());
    auto refs = settings_.ReadContinuity(r);
    auto outcome =
        callback_.Handle(p->ctx, r.Param("provider"), r.query, SettingsRoutes::HookFacts(r, p->ctx.url), refs);
    if (auto c = settings_.ContinuityCookie(refs)) p->cookies.push_back(std::move(*c));
    return http_.Respond(r, std::move(outcome), std::move(p->cookies));
}

Response OidcRoutes::CallbackPost(Request& r) {
    if (r.body.size() > kMaxFormPostBytes)
        return Response::Error(core::Error(413, "The callback's form is too large."), r.RequestId());
    const core::Query form = core::Query::Parse(r.body);
    core::Query q;
    for (std::string_view key : {"state", "code", "error", "error_description"}) {
        if (auto v = form.Get(key)) q.Set(key, *v);
    }
    std::string path = r.path;
    return Response::Redirect(303, path + "?" + q.Encode());
}

}  // namespace bia::http::routes
