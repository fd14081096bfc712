// How a registration method plugs into the registration flow (surrounding-api.md §8): it adds its
// nodes to new flows and turns a submission addressed to it into a new, not yet stored identity.
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
#include "selfservice/registration/registration_flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice::registration {

// A valid new identity, ready to be stored; `method` is what a session hook records.
struct RegistrationSuccess {
    identity::Identity identity;
    session::AuthenticationMethod method;
};
using RegistrationAttempt = StrategyAttempt<RegistrationSuccess>;

class RegistrationStrategy {
  public:
    virtual ~RegistrationStrategy() = default;
    virtual std::string_view Id() const = 0;
    // The ids of this method's nodes in the order the registration form shows them, after the
    // traits (§7.5).
    virtual std::vector<std::string> NodeOrder() const { return {}; }
    virtual core::Status Populate(const RequestContext& ctx, RegistrationFlow& flow) = 0;
    virtual RegistrationAttempt Register(const RequestContext& ctx, RegistrationFlow& flow,
                                         const nlohmann::json& body) = 0;
};

}  // namespace bia::selfservice::registration
