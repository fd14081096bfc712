// What a method's strategy answers when a flow hands it a submission: not mine, done (with the
// flow kind's `Success` fields), rejected with messages, failed, or — settings only — waiting for
// a privileged session. One shape for every flow kind, so the flow engine settles them alike.
#pragma once

#include <utility>

#include "core/error.hpp"
#include "selfservice/flow/rejection.hpp"

namespace bia::selfservice {

template <class Success>
struct StrategyAttempt : Success {
    enum class Kind {
        kNotResponsible,  // not addressed to this method: the next strategy is asked
        kSucceeded,       // the Success fields hold the result
        kRejected,        // show the flow again with `rejection`
        kFailed,          // `error` (400s become flow messages, others plain errors)
        kNeedsPrivilege,  // the change needs a privileged session (settings §10)
    };
    Kind kind = Kind::kNotResponsible;
    Rejection rejection;
    core::Error error;

    static StrategyAttempt NotResponsible() { return {}; }
    static StrategyAttempt Succeeded(Success s) {
        StrategyAttempt a;
        a.kind = Kind::kSucceeded;
        static_cast<Success&>(a) = std::move(s);
        return a;
    }
    static StrategyAttempt Rejected(Rejection r) {
        StrategyAttempt a;
        a.kind = Kind::kRejected;
        a.rejection = std::move(r);
        return a;
    }
    static StrategyAttempt Failed(core::Error e) {
        StrategyAttempt a;
        a.kind = Kind::kFailed;
        a.error = std::move(e);
        return a;
    }
    static StrategyAttempt NeedsPrivilege() {
        StrategyAttempt a;
        a.kind = Kind::kNeedsPrivilege;
        return a;
    }
};

}  // namespace bia::selfservice
