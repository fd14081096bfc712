#include "http/routes/self_service_http.hpp"

#include "core/encoding.hpp"
#include "core/url.hpp"

namespace bia::http::routes {

using selfservice::FlowType;

std::string WithQueryParam(std::string_view url, std::string_view key, std::string_view value) {
    auto u = core::Url::Parse(url);
    if (!u) {
        return std::string(url) + (url.find('?') == std::string_view::npos ? "?" : "&") + std::string(key) + "=" +
               core::PercentEncode(value);
    }
    core::Query q = u->query();
    q.Set(key, value);
    u->SetQuery(q);
    return u->ToString();
}

void AddVaryCookie(Response& response) {
    for (const auto& [name, value] : response.headers) {
        if ((name == "Vary" || name == "vary") && value == "Cookie") return;
    }
    response.AddHeader("Vary", "Cookie");
}

core::Result<SelfServiceHttp::Prepared> SelfServiceHttp::Prepare(const Request& r, CsrfMiddleware csrf,
                                                                 bool resolve_session) const {
    Prepared p;
    auto& ctx = p.ctx;
    ctx.url = r.FullUrl();
    ctx.json_request = r.IsJsonRequest();
    ctx.cookie_header_sent = r.Header("Cookie").has_value();
    ctx.cookie_names = r.CookieNames();
    ctx.origin_header_sent = r.Header("Origin").has_value();
    ctx.csrf_cookie_sent = csrf_.Sent(r);
    if (auto token = csrf_.Read(r)) {
        ctx.csrf_token = std::move(*token);
    } else if (csrf == CsrfMiddleware::kApply) {
        auto [token, cookie] = csrf_.Issue();
        ctx.csrf_token = std::move(token);
        p.cookies.push_back(std::move(cookie));
    }
    if (resolve_session) {
        auto s = sessions_.Resolve(r);
        if (s) {
            ctx.session = std::move(s).value();
        } else if (s.error().code != 401) {
            return std::move(s).error();
        }
    }
    return p;
}

Response SelfServiceHttp::Forward(const Request& r, const core::Error& error) const {
    auto id = errors_.Store(error);
    if (!id) return Response::Error(id.error(), r.RequestId());
    return Response::Redirect(303, WithQueryParam(config_.selfservice.flows.error.ui_url, "id", id->ToString()));
}

Response SelfServiceHttp::Fail(const Request& r, const core::Error& error,
                               const std::vector<SetCookie>& cookies) const {
    Response resp = r.IsJsonRequest() ? Response::Error(error, r.RequestId()) : Forward(r, error);
    for (const auto& c : cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

Response SelfServiceHttp::Respond(const Request& r, selfservice::Outcome outcome,
                                  std::vector<SetCookie> cookies) const {
    const bool json_request = r.IsJsonRequest();
    auto responds_json = [&](std::optional<FlowType> type) { return type == FlowType::kApi || json_request; };

    Response resp = std::visit(
        [&](auto& o) -> Response {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, selfservice::ShowFlow>) {
                if (o.kind == selfservice::ShowFlow::Kind::kCreated) {
                    // Init answers use the narrower Accept negotiation (settings-flow.md §1.2, §4).
                    if (o.type == FlowType::kApi || r.AcceptsJson()) {
                        return Response::RawJson(200, std::move(o.flow).TakeText());
                    }
                    return Response::Redirect(303, selfservice::FlowUiUrl(o.ui_url, o.id));
                }
                const int status = o.kind == selfservice::ShowFlow::Kind::kUpdated ? 200 : 400;
                if (responds_json(o.type)) return Response::RawJson(status, std::move(o.flow).TakeText());
                return Response::Redirect(303, selfservice::FlowUiUrl(o.ui_url, o.id));
            } else if constexpr (std::is_same_v<T, selfservice::Completed>) {
                if (o.type == FlowType::kBrowser) {
                    if (o.issue_session) {
                        auto c = sessions_.IssueCookie(*o.issue_session, clock_.Now());
                        if (!c) return Response::Error(c.error(), r.RequestId());
                        cookies.push_back(std::move(c).value());
                    }
                    if (o.rotate_csrf) {
                        // A fresh token replaces any cookie this request was about to get.
                        std::erase_if(cookies, [&](const SetCookie& c) { return c.name == csrf_.name(); });
                        cookies.push_back(csrf_.Issue().second);
                    }
                }
                if (responds_json(o.type)) {
                    if (o.status == 204) return Response::NoContent();
                    return Response::RawJson(o.status, std::move(o.body).TakeText());
                }
                return Response::Redirect(303, o.redirect_to);
            } else if constexpr (std::is_same_v<T, selfservice::ErrorOrRedirect>) {
                const bool as_json = o.type ? responds_json(o.type) : json_request;
                if (as_json) return Response::Error(o.error, r.RequestId());
                return Response::Redirect(o.redirect_status, o.location);
            } else {
                if (responds_json(o.type)) return Response::Error(o.error, r.RequestId());
                return Forward(r, o.error);
            }
        },
        outcome);
    for (const auto& c : cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

}  // namespace bia::http::routes
