// The `web_hook` hook (settings-flow.md §14): renders a Jsonnet body from the hook context, sends
// it to a configured URL and interprets the answer the way Kratos does — fire-and-forget with
// `response.ignore`, identity changes and UI messages with `response.parse` / `can_interrupt`.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "selfservice/hook/hook_context.hpp"
#include "selfservice/hook/hook_response.hpp"
#include "selfservice/hook/http_sender.hpp"

namespace bia::selfservice::hook {

class BodyTemplate;

inline constexpr std::string_view kWebHookName = "web_hook";

// How a web hook reports what it did. Events are small JSON objects ({"msg", "hook_id",
// "method", "url", "status", "attempts", "duration_ms", "error"}); the URL is reduced to
// scheme://host/path, and bodies, headers, credentials and query strings never appear.
enum class LogLevel { kInfo, kWarning, kError };
using LogSink = std::function<void(LogLevel, const nlohmann::json& event)>;

// Settings that Kratos keeps outside the hook's own configuration (its HTTP client), supplied
// by app::Wiring. Defaults are Kratos's.
struct WebHookOptions {
    RetryPolicy http;                 // 30 s per attempt, 2 retries, 1 s → 30 s backoff
    size_t async_workers = 4;         // threads for `response.ignore` hooks, started on demand
    size_t async_queue_limit = 1000;  // queued fire-and-forget calls beyond this are dropped (logged)
    LogSink log;                      // may be empty
};

// The error id-less 502/504 and 500 errors below mirror Kratos's; a rejection (status ≥ 400 with
// the message shape, on an interrupting hook) is a 400 error whose details carry the messages
// under this key, so Execute's callers can still show them (see ValidationsOf).
inline constexpr std::string_view kValidationsDetail = "web_hook_validations";

// What one synchronous call produced.
struct WebHookResult {
    bool sent = false;  // false: the template cancelled, or the call was queued (response.ignore)
    int status = 0;     // final HTTP status when sent
    // response.parse / can_interrupt, status 200: identity fields to replace before the identity
    // is saved (an object; empty when nothing changes — see ParseIdentityPatch).
    nlohmann::json identity_patch = nlohmann::json::object();
    // Interrupting hook answered ≥ 400 with messages: show them on the flow (HTTP 400).
    std::vector<HookValidation> validations;
};

class WebHook {
  public:
    // Validates `config` (the hook's `config` object, Kratos's schema: url, method, headers,
    // body, auth, response.{ignore,parse}, can_interrupt, id, emit_analytics_event) and loads a
    // local body template, so every problem surfaces at start-up.
    static core::Result<std::unique_ptr<WebHook>> Create(const nlohmann::json& config, WebHookOptions options = {});
    // Stops fire-and-forget work: queued calls are dropped, calls in flight are aborted.
    ~WebHook();
    WebHook(const WebHook&) = delete;
    WebHook& operator=(const WebHook&) = delete;

    // Renders the body from `ctx` (see BuildContext), sends it and interprets the answer.
    // response.ignore: queues the call and returns OK at once; its outcome is only logged.
    // Otherwise: OK for a status < 400 (after parsing a 200 answer when parse is on), a 400 error
    // carrying the messages for a rejection, 502 for another status ≥ 400, 504 when the target
    // timed out, 500 for anything else (template error, unreachable target, retries exhausted).
    core::Status Execute(const nlohmann::json& ctx) const;

    // Execute, but with the parsed answer for callers that apply `identity_patch` or turn
    // `validations` into UI messages themselves (a rejection is then a value, not an error).
    core::Result<WebHookResult> Call(const nlohmann::json& ctx) const;

    // Kratos runs interrupting hooks (can_interrupt or response.parse) before the identity is
    // saved and all others after it; each kind is skipped at the other point.
    bool can_interrupt() const { return can_interrupt_; }
    bool parses_response() const { return parse_response_; }
    bool ignores_response() const { return ignore_response_; }
    bool RunsBeforePersist() const { return can_interrupt_ || parse_response_; }
    const std::string& id() const { return id_; }

    // Waits until no fire-and-forget call is queued or running; false on timeout. For tests and
    // graceful shutdown.
    bool WaitIdle(std::chrono::milliseconds timeout) const;

  private:
    class Dispatcher;
    WebHook() = default;
    core::Result<WebHookResult> Run(const nlohmann::json& ctx, StopSignal* stop) const;
    void Log(LogLevel level, nlohmann::json event) const;

    std::string id_;
    std::string method_;
    std::string url_;
    std::string log_url_;
    HeaderList headers_;  // configured headers + Content-Type/Accept + auth, final
    bool form_body_ = false;
    bool can_interrupt_ = false;
    bool parse_response_ = false;
    bool ignore_response_ = false;
    bool emit_ids_ = true;
    WebHookOptions options_;
    std::unique_ptr<BodyTemplate> body_;
    std::unique_ptr<Dispatcher> dispatcher_;
};

// The validations a rejection error from Execute carries; nullopt for any other error.
std::optional<std::vector<HookValidation>> ValidationsOf(const core::Error& error);

}  // namespace bia::selfservice::hook
