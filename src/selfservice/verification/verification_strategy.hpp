// How a method (code, link) plugs into the verification flow (surrounding-api.md §9): it draws
// the first form when it is the configured one, sends a message for an address, and checks what
// comes back (a code typed in, a link opened).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "selfservice/verification/verification_flow.hpp"

namespace bia::selfservice::verification {

// The identity whose address `address` (its value) answered the challenge, as read before the
// change; the flow marks the address verified.
struct VerificationSuccess {
    identity::Identity identity;
    std::string address;
};
using VerificationAttempt = StrategyAttempt<VerificationSuccess>;

class VerificationStrategy {
  public:
    virtual ~VerificationStrategy() = default;
    virtual std::string_view Id() const = 0;
    virtual std::vector<std::string> NodeOrder() const { return {}; }
    // Draws the first form (the email input) on a new flow.
    virtual core::Status Populate(const RequestContext& ctx, VerificationFlow& flow) = 0;
    // A submission (`from_link`: the GET of a link from the email, which carries no CSRF token
    // and may be opened in any browser). Sending a message answers "return to UI" with the flow
    // in state sent_email; a good answer to the challenge succeeds.
    virtual VerificationAttempt Verify(const RequestContext& ctx, VerificationFlow& flow, const nlohmann::json& body,
                                       bool from_link) = 0;
    // Sends the message for `address` of `identity` without a form (after registration or a
    // settings change) and leaves `flow` in state sent_email.
    virtual core::Status Send(const RequestContext& ctx, VerificationFlow& flow, const identity::Identity& identity,
                              std::string_view address) = 0;
};

}  // namespace bia::selfservice::verification
