// The login flow (surrounding-api.md §7): create API/browser flows (refresh, aal, return_to),
// fetch them, and run submissions through the configured strategies to a session. Knows nothing
// about HTTP: every use case returns a selfservice::Outcome that http/ turns into a response.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/unit_of_work.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_engine.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/flow/return_to.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/login/login_strategy.hpp"
#include "session/session_service.hpp"

namespace bia::selfservice::login {

inline constexpr std::string_view kRouteInitApi = "/self-service/login/api";
inline constexpr std::string_view kRouteInitBrowser = "/self-service/login/browser";
inline constexpr std::string_view kRouteFetch = "/self-service/login/flows";
inline constexpr std::string_view kRouteSubmit = "/self-service/login";

// Node order of login forms: Kratos's group order, csrf_token first, then the methods' node ids
// (LoginStrategy::NodeOrder, e.g. identifier and password).
ui::SortOptions LoginSortOptions(const std::vector<std::string>& method_node_ids);

class LoginService {
  public:
    // `strategies` in the order they are asked to claim a submission; all references must outlive
    // the service.
    LoginService(const config::Config& config, LoginFlowRepository& flows, std::vector<LoginStrategy*> strategies,
                 session::SessionService& sessions, const ReturnToValidator& return_to, const core::Clock& clock,
                 core::Random& random, core::UnitOfWork& units);

    // GET /self-service/login/{api,browser}: `ctx.url` carries refresh, aal and return_to.
    Outcome Init(FlowType type, const RequestContext& ctx);
    // GET /self-service/login/flows?id=: the flow JSON, or 403 (browser flow without its CSRF
    // cookie), 404, 410 (expired, with directions).
    core::Result<nlohmann::json> Fetch(const RequestContext& ctx, std::string_view id);
    // POST /self-service/login?flow=: `ctx.session` is the caller's session, if any.
    // `body` is the decoded submission; a body that failed to decode with a 400 is shown on the
    // flow as message 4000001 (settings-flow.md §5.4).
    Outcome Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body);
    // Stores a new browser flow for `request_url` (its return_to) without answering the browser:
    // the social sign-in callback continues a login as a registration in it.
    core::Result<core::Uuid> CreateBrowserFlow(const RequestContext& ctx, const std::string& request_url);

  private:
    core::Result<LoginFlow> NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url,
                                    bool refresh, std::string requested_aal);
    Outcome Finish(const RequestContext& ctx, LoginFlow& flow, LoginAttempt attempt);
    std::string DefaultReturnUrl() const;

    const config::Config& config_;
    FlowEngine<LoginFlow> engine_;
    std::vector<LoginStrategy*> strategies_;
    ui::SortOptions sort_;  // from the strategies' node orders
    session::SessionService& sessions_;
    const ReturnToValidator& return_to_;
    const core::Clock& clock_;
    core::UnitOfWork& units_;  // the session and the flow's passed challenge commit together
    FlowEngine<LoginFlow>::ToJson to_json_;
};

// Go's strconv.ParseBool truthy spellings; anything else (including errors) is false.
bool ParseGoBool(std::string_view s);

}  // namespace bia::selfservice::login
