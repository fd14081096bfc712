// How a settings method plugs into the settings flow (settings-flow.md §5.2, §8): it adds its
// nodes to new flows and turns a submission addressed to it into an updated, not yet stored
// identity. One implementation per method lives in strategy/<method>/; app::Wiring hands them to
// SettingsService in dispatch order. Strategies never write responses and never persist the
// identity themselves — the flow runs hooks and persistence in the order of §14.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/rejection.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "selfservice/settings/settings_flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice::settings {

// What a strategy sees of one submission.
struct SettingsSubmission {
    const RequestContext& request;
    SettingsFlow& flow;                  // may be edited (echoed values, fresh csrf_token)
    const session::Session& session;     // the caller's active session
    const identity::Identity& identity;  // the stored identity, credentials included
    const nlohmann::json& body;          // decoded body, or the payload resumed from continuity
    bool privileged = false;             // §10.1, computed by the flow
};

// A change ready for hooks and persistence: the changed identity, and AMR entries to add to the
// caller's session on success (second-factor enrolment, §8.3–8.5).
struct SettingsChange {
    identity::Identity identity;
    std::vector<session::AuthenticationMethod> add_methods;
};
// kNeedsPrivilege: the change needs a privileged session (§10): pause the body and re-auth.
using SettingsAttempt = StrategyAttempt<SettingsChange>;

// What a method's changes need of the session (§10.2), as the settings flow tells clients in
// `reauthentication.required_for` (a Bia extension).
inline constexpr std::string_view kPrivilegeAlways = "always";
inline constexpr std::string_view kPrivilegeIdentifierChanges = "identifier_changes";

class SettingsStrategy {
  public:
    virtual ~SettingsStrategy() = default;
    virtual std::string_view Id() const = 0;  // "profile", "password", ...
    // kPrivilegeAlways, or kPrivilegeIdentifierChanges for a method whose ordinary changes pass
    // without a privileged session (profile).
    virtual std::string_view PrivilegeNeeded() const { return kPrivilegeAlways; }
    // The ids of this method's nodes in the order its part of the form shows them (§7.5; the
    // group order is the flow's). Unlisted nodes follow the listed ones.
    virtual std::vector<std::string> NodeOrder() const { return {}; }
    // Adds this method's nodes for `identity` to a flow (the csrf_token node is already there).
    // Called for new flows and for the sibling flow created after a success (§9.2).
    virtual core::Status Populate(const RequestContext& ctx, SettingsFlow& flow,
                                  const identity::Identity& identity) = 0;
    // Handles a submission if it is addressed to this method (§5.2, §8: claim → decode/validate →
    // CSRF → privilege → method logic).
    virtual SettingsAttempt Submit(SettingsSubmission& submission) = 0;
    // Whether Submit may read or edit submission.flow.ui. A strategy that answers false never
    // touches the form while it submits: what a failed submission changes in it (values echoed
    // back, a secret cleared) it does in EchoSubmission, which the flow calls only when the form
    // is shown again. Then a successful change never parses the stored form, which the sibling's
    // replaces (§9.2). The flow parses the form before asking a strategy that answers true.
    virtual bool SubmitEditsForm() const { return true; }
    // The changes a claimed, failed submission makes to the form it shows again (see
    // SubmitEditsForm; strategies that edit the form in Submit leave this empty).
    virtual void EchoSubmission(ui::Container& form, const nlohmann::json& body) const {
        (void)form;
        (void)body;
    }
};

}  // namespace bia::selfservice::settings
