// What a method's strategy answers when a flow hands it a submission: not mine, done (with the
// flow kind's `Success` fields), rejected with messages, failed, "show the flow again" (its UI
// changed, nothing else did), or — settings only — waiting for a privileged session. One shape for every flow kind, so
// the flow engine settles them alike.
#pragma once

#include <string>
#include <utility>

#include "core/error.hpp"
#include "selfservice/flow/rejection.hpp"

namespace bia::selfservice {

// The kind-independent part of an attempt.
struct AttemptState {
    enum class Kind {
        kNotResponsible,  // not addressed to this method: the next strategy is asked
        kSucceeded,       // the Success fields hold the result
        kRejected,        // show the flow again with `rejection`
        kFailed,          // `error` (400s become flow messages, others plain errors)
        kNeedsPrivilege,  // the change needs a privileged session (settings §10)
        kReturnToUi,      // the strategy edited the flow (UI, internal context): store and show it
        kRedirect,        // store the flow and send the browser to `redirect_to` (social sign-in)
    };
    Kind kind = Kind::kNotResponsible;
    Rejection rejection;
    core::Error error;
    std::string redirect_to;

    static AttemptState Of(Kind kind) {
        AttemptState s;
        s.kind = kind;
        return s;
    }
    static AttemptState RejectedWith(Rejection r) {
        AttemptState s = Of(Kind::kRejected);
        s.rejection = std::move(r);
        return s;
    }
    static AttemptState FailedWith(core::Error e) {
        AttemptState s = Of(Kind::kFailed);
        s.error = std::move(e);
        return s;
    }
};

template <class Success>
struct StrategyAttempt : Success, AttemptState {
    StrategyAttempt() = default;

    static StrategyAttempt NotResponsible() { return {}; }
    static StrategyAttempt Succeeded(Success s) { return StrategyAttempt(std::move(s), Of(Kind::kSucceeded)); }
    static StrategyAttempt Rejected(Rejection r) { return StrategyAttempt({}, RejectedWith(std::move(r))); }
    static StrategyAttempt Failed(core::Error e) { return StrategyAttempt({}, FailedWith(std::move(e))); }
    static StrategyAttempt NeedsPrivilege() { return StrategyAttempt({}, Of(Kind::kNeedsPrivilege)); }
    // Settings §5.4 "strategy asks to return to UI" (backup codes revealed or regenerated).
    static StrategyAttempt ReturnToUi() { return StrategyAttempt({}, Of(Kind::kReturnToUi)); }
    // The browser must go to `url` (an identity provider) before the flow can go on: browsers get
    // a 303, JSON clients a 422 browser_location_change_required naming the URL.
    static StrategyAttempt Redirect(std::string url) {
        AttemptState s = Of(Kind::kRedirect);
        s.redirect_to = std::move(url);
        return StrategyAttempt({}, std::move(s));
    }

  private:
    StrategyAttempt(Success s, AttemptState state) : Success(std::move(s)), AttemptState(std::move(state)) {}
};

}  // namespace bia::selfservice
