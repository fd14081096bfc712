// Sending the verification message after an identity was stored (settings-flow.md §14 step 5,
// surrounding-api.md §8): registration and settings hand the stored identity to this port, which
// the verification flow implements; neither flow knows how verification works.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/uuid.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"

namespace bia::selfservice {

// A verification flow started for an address: what a `show_verification_ui` item names.
struct VerificationStarted {
    core::Uuid flow_id;
    std::string address;
    std::string url;  // the verification UI with ?flow=<id>
};

// {"action":"show_verification_ui","flow":{"id","verifiable_address","url"}}
nlohmann::json ShowVerificationUi(const VerificationStarted& started);

class VerificationSender {
  public:
    virtual ~VerificationSender() = default;
    // For the first verifiable address still `pending` (G2): starts a verification flow of `type`,
    // sends the message and marks the address `sent` in `identity` and in storage. Nothing when
    // no address is pending or verification is disabled.
    virtual core::Result<std::optional<VerificationStarted>> SendForPendingAddress(const RequestContext& ctx,
                                                                                   FlowType type,
                                                                                   identity::Identity& identity) = 0;
};

}  // namespace bia::selfservice
