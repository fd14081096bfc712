// How a method (code, link) plugs into the recovery flow (surrounding-api.md §10): it draws the
// first form when it is the configured one, sends a message to a recovery address, and checks
// what comes back. Admins may also create a recovery link or code for an identity directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "selfservice/recovery/recovery_flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice::recovery {

// The identity that answered the challenge, the session method that records how
// (link_recovery / code_recovery, aal1) and the address used ("" for admin-made secrets).
struct RecoverySuccess {
    identity::Identity identity;
    session::AuthenticationMethod method;
    std::string address;
};
using RecoveryAttempt = StrategyAttempt<RecoverySuccess>;

// What an admin-made recovery secret gives its caller (POST /admin/recovery/{link,code}).
struct AdminRecoverySecret {
    std::string link;  // the link to open (code: the recovery flow's UI URL)
    std::string code;  // empty for a link
};

class RecoveryStrategy {
  public:
    virtual ~RecoveryStrategy() = default;
    virtual std::string_view Id() const = 0;
    virtual std::vector<std::string> NodeOrder() const { return {}; }
    virtual core::Status Populate(const RequestContext& ctx, RecoveryFlow& flow) = 0;
    // A submission (`from_link`: the GET of a link from the email, without a CSRF token).
    // Sending a message answers "return to UI" (state sent_email); a good answer succeeds.
    virtual RecoveryAttempt Recover(const RequestContext& ctx, RecoveryFlow& flow, const nlohmann::json& body,
                                    bool from_link) = 0;
    // A secret for `identity` made by an admin on the stored browser flow `flow`, valid until
    // the flow expires; nothing is sent.
    virtual core::Result<AdminRecoverySecret> CreateForAdmin(RecoveryFlow& flow,
                                                             const identity::Identity& identity) = 0;
};

}  // namespace bia::selfservice::recovery
