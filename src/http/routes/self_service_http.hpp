// The HTTP side every self-service route shares: turning a Request into the flow's
// RequestContext (session resolution, CSRF cookie issuance for routes under the CSRF middleware)
// and turning a flow Outcome into the response each client kind expects — 200/400 JSON for API
// flows and SPAs, 303 for browsers, errors stored for the error UI (settings-flow.md §0.3, §5.4,
// §12; surrounding-api.md §7–8, §11).
#pragma once

#include <optional>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "http/routes/csrf_cookie.hpp"
#include "http/routes/session_resolver.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/outcome.hpp"

namespace bia::http::routes {

// Whether a route sits behind the CSRF middleware (browser routes) or is excluded from it (API
// endpoints and submissions, which check CSRF per method, §12.1).
enum class CsrfMiddleware { kApply, kExclude };

class SelfServiceHttp {
  public:
    SelfServiceHttp(const config::Config& config, const SessionResolver& sessions, const CsrfCookies& csrf,
                    selfservice::ErrorStore& errors, const core::Clock& clock)
        : config_(config), sessions_(sessions), csrf_(csrf), errors_(errors), clock_(clock) {}

    struct Prepared {
        selfservice::RequestContext ctx;
        std::vector<SetCookie> cookies;  // to add to whatever response is written
    };
    // With kApply a missing or malformed CSRF cookie is replaced (and the new token is what the
    // flow sees). The session is resolved when `resolve_session`; a database failure while doing
    // so is returned as an error, "no session" is not.
    core::Result<Prepared> Prepare(const Request& request, CsrfMiddleware csrf, bool resolve_session) const;

    // Maps an outcome to the response for this request and adds `cookies`.
    Response Respond(const Request& request, selfservice::Outcome outcome, std::vector<SetCookie> cookies = {}) const;

    // An error outside any flow: JSON requests get the envelope, browsers are sent to the error UI.
    Response Fail(const Request& request, const core::Error& error, const std::vector<SetCookie>& cookies = {}) const;

    const SessionResolver& sessions() const { return sessions_; }
    const core::Clock& clock() const { return clock_; }
    const CsrfCookies& csrf() const { return csrf_; }
    const config::Config& config() const { return config_; }

  private:
    Response Forward(const Request& request, const core::Error& error) const;

    const config::Config& config_;
    const SessionResolver& sessions_;
    const CsrfCookies& csrf_;
    selfservice::ErrorStore& errors_;
    const core::Clock& clock_;
};

// Every public self-service response varies on cookies (nosurf adds it, §1.1).
void AddVaryCookie(Response& response);

// `url` with `key=value` merged into its query.
std::string WithQueryParam(std::string_view url, std::string_view key, std::string_view value);

}  // namespace bia::http::routes
