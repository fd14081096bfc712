// How a login method plugs into the login flow: it adds its form nodes to new flows and claims
// the submissions addressed to it (surrounding-api.md §7). One implementation per method lives in
// strategy/<method>/; app::Wiring hands the enabled ones to LoginService in order.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/rejection.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "selfservice/login/login_flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice::login {

// A successful login: `identity` proved who it is with `method`.
struct LoginSuccess {
    identity::Identity identity;
    session::AuthenticationMethod method;
};
using LoginAttempt = StrategyAttempt<LoginSuccess>;

class LoginStrategy {
  public:
    virtual ~LoginStrategy() = default;
    virtual std::string_view Id() const = 0;  // "password", ...
    // The ids of this method's nodes in the order the login form shows them (§7.5).
    virtual std::vector<std::string> NodeOrder() const { return {}; }
    // Adds this method's nodes to a new flow (the csrf_token node is already there). `ctx.session`
    // is the caller's session for refresh and AAL-upgrade flows.
    virtual core::Status Populate(const RequestContext& ctx, LoginFlow& flow) = 0;
    // Handles a submission if it is addressed to this method. May edit `flow.ui` (echo values,
    // fresh csrf_token) before rejecting; LoginService persists the flow afterwards.
    virtual LoginAttempt Login(const RequestContext& ctx, LoginFlow& flow, const nlohmann::json& body) = 0;
};

}  // namespace bia::selfservice::login
