// What a flow hands back instead of writing a response (docs/architecture.md): http/ maps each
// outcome to 200/303/4xx for the three client kinds of settings-flow.md §0.3, following the
// matrix of §5.4 and surrounding-api.md §7–8.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice {

// A flow to show. kCreated: a new flow (API: 200; browser: 200 JSON when the client negotiates
// JSON, else 303 to `ui_url?flow=<id>`). kRejected: the flow re-rendered with messages after a
// validation error (responds-JSON: 400 with the flow; browser: 303 to the UI). kUpdated: the flow
// a strategy changed without finishing it, e.g. revealed backup codes (settings-flow.md §5.4
// "return to UI": responds-JSON 200 with the flow; browser: 303 to the UI).
struct ShowFlow {
    enum class Kind { kCreated, kRejected, kUpdated };
    Kind kind = Kind::kCreated;
    FlowType type = FlowType::kBrowser;
    core::Uuid id;
    core::JsonAnswer flow;
    std::string ui_url;
};

// A flow that finished. responds-JSON: `status` with `body`; browser: 303 to `redirect_to`.
// Browser flows also get the session cookie for `issue_session`, and a fresh CSRF cookie when
// `rotate_csrf` (a session for a new identity, §12.2).
struct Completed {
    FlowType type = FlowType::kBrowser;
    int status = 200;
    core::JsonAnswer body;
    std::string redirect_to;
    std::optional<session::Session> issue_session;
    bool rotate_csrf = false;
};

// JSON clients get `error`, browsers a redirect to `location` (already signed in, AAL too low,
// re-authentication needed, expired flow replaced). `type` unset: decided by the request alone.
struct ErrorOrRedirect {
    std::optional<FlowType> type;
    core::Error error;
    std::string location;
    int redirect_status = 303;
};

// A plain error: JSON clients get the envelope; browsers are sent to the error UI with the error
// stored (settings-flow.md §5.4 last row).
struct Failed {
    std::optional<FlowType> type;
    core::Error error;
};

using Outcome = std::variant<ShowFlow, Completed, ErrorOrRedirect, Failed>;

}  // namespace bia::selfservice
