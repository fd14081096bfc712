// What every self-service flow shares: the flow type (api/browser), the facts about the HTTP
// request a flow needs without seeing HTTP types, expiry, and the URL helpers that place a flow id
// into a UI URL (settings-flow.md §0.2, §1.6, §9.3; surrounding-api.md §7–8).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/uuid.hpp"
#include "session/session.hpp"
#include "ui/container.hpp"

namespace bia::selfservice {

inline constexpr std::string_view kFlowTypeApi = "api";
inline constexpr std::string_view kFlowTypeBrowser = "browser";

enum class FlowType { kApi, kBrowser };
std::string_view ToString(FlowType t);
std::optional<FlowType> ParseFlowType(std::string_view s);

// What an external identity provider vouched for when it sent the browser back (the social
// sign-in callback, settings-flow.md §8.6): only the callback sets it, after checking that the
// answer belongs to this browser's flow, so a strategy may trust it. `error` set: the provider
// refused or the answer did not check out, and the flow should say so.
struct ExternalIdentity {
    std::string provider;  // the provider's configured id
    std::string subject;
    nlohmann::json claims;    // the verified ID token claims
    nlohmann::json identity;  // the provider's mapper output: traits, metadata_public, ...
    std::string id_token;     // the provider's tokens, in plaintext (encrypt before storing)
    std::string access_token;
    std::string refresh_token;
    std::optional<std::string> error;
};

// The request as flows see it. http/ fills it in; flows never read headers themselves.
struct RequestContext {
    std::string url;            // the request URL (settings-flow.md §1.6)
    bool json_request = false;  // settings-flow.md §1.2
    // The real token of a well-formed CSRF cookie (possibly issued with this very response);
    // empty when the request had none and none is issued (API routes, submissions).
    std::string csrf_token;
    bool csrf_cookie_sent = false;    // the request carried the CSRF cookie (well-formed or not)
    bool cookie_header_sent = false;  // the request carried any Cookie header
    std::vector<std::string> cookie_names;
    bool origin_header_sent = false;
    // The caller's active session (settings-flow.md §1.4), when one was resolved.
    std::optional<session::Session> session;
    // Set by the social sign-in callback only (never from a request body).
    const ExternalIdentity* external = nullptr;
};

// `ui_url` with flow=<id> merged into whatever query it already has; a relative UI URL stays
// relative (settings-flow.md §4 step 4).
std::string FlowUiUrl(std::string_view ui_url, const core::Uuid& id);

// The `return_to` query parameter of a stored request URL ("" when absent).
std::string ReturnToOf(std::string_view request_url);

// A member of a JSON object and how its value is written (appended to the text given).
struct JsonMemberWriter {
    std::string_view key;
    std::function<void(std::string&)> write;
};

// What every flow kind has and stores the same way (settings-flow.md §7.1, surrounding-api.md
// §7–8). A kind derives from it, adds its own fields and declares how they are stored
// (flow_store.hpp).
struct FlowBase {
    core::Uuid id;
    FlowType type = FlowType::kBrowser;
    core::TimePoint expires_at{};
    core::TimePoint issued_at{};
    std::string request_url;
    ui::Container ui;
    // The stored UI's JSON text, left unparsed by a read that asked for it (UiRead::kKeepText), while
    // `ui` stays empty; empty once parsed (ParseUi) or when the flow was not read that way. A form
    // that is never shown again costs no parse: a successful settings change replaces it whole.
    // Until it is parsed it is the stored UI unchanged: stores write the text back as it is, and
    // answers parse it on the way (a slow path; the flow engine parses before it edits a form).
    std::string ui_text;
    std::string state;
    // Server-only per-method scratch data (§7.1), e.g. a TOTP secret awaiting confirmation.
    nlohmann::json internal_context = nlohmann::json::object();
    core::TimePoint created_at{};
    core::TimePoint updated_at{};

    // Kratos compares with "expires_at before now" (§9.3).
    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
    // Reads ui_text into `ui` (nothing to do when it is empty). On error both stay as they were.
    core::Status ParseUi();
    std::string ReturnTo() const { return ReturnToOf(request_url); }
    // id, type, expires_at, issued_at, request_url, return_to (omitempty), ui, state: the fields
    // every kind's JSON starts with.
    nlohmann::json CommonJson() const;
    // CommonJson() with the kind's own `members` merged in, written straight as text: the bytes of
    // core::DumpJsonText(<that DOM>, kAnswerUtf8Errors) without building it (a flow's answer is
    // mostly its UI). A member whose key is a common one replaces it.
    std::string AnswerText(std::vector<JsonMemberWriter> members) const;
};

// "responds-JSON" of settings-flow.md §0.2: API flows and JSON requests get JSON answers.
inline bool RespondsJson(FlowType type, const RequestContext& ctx) {
    return type == FlowType::kApi || ctx.json_request;
}

// PUBLIC joined with `path`, plus `query` when non-empty.
std::string PublicUrl(std::string_view public_base_url, std::string_view path, std::string_view query = {});

}  // namespace bia::selfservice
