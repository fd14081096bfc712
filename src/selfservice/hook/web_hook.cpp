#include "selfservice/hook/web_hook.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/encoding.hpp"
#include "core/random.hpp"
#include "core/url.hpp"
#include "core/uuid.hpp"
#include "selfservice/hook/body_template.hpp"

namespace bia::selfservice::hook {
namespace {

constexpr std::string_view kContentTypeJson = "application/json";
constexpr std::string_view kContentTypeForm = "application/x-www-form-urlencoded";
// Kratos's texts for upstream failures (selfservice/hook/web_hook.go).
constexpr std::string_view kUnreachable =
    "A third-party upstream service could not be reached. Please try again later.";
constexpr std::string_view kImproper = "A third-party upstream service responded improperly. Please try again later.";
constexpr std::string_view kRejected = "a webhook target returned an error";

core::Error ConfigError(const std::string& why) { return core::Internal("invalid web_hook configuration: " + why); }

bool IsToken(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// Go's http client refuses to send a header value with a line break or NUL in it.
bool IsSafeHeaderValue(std::string_view v) {
    for (unsigned char c : v)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

// Go's http.Cookie.String for AddCookie: a value with a space or comma is quoted, bytes a cookie
// value may not hold are dropped, and line breaks in the name become '-'.
std::string CookiePair(std::string name, std::string_view value) {
    for (char& c : name)
        if (c == '\r' || c == '\n') c = '-';
    std::string v;
    for (unsigned char c : value) {
        const bool ok = c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\';
        if (ok) v += static_cast<char>(c);
    }
    if (v.find_first_of(" ,") != std::string::npos) v = "\"" + v + "\"";
    return name + "=" + v;
}

// Replaces (or appends) a header, comparing names case-insensitively as Go's Header.Set does.
void SetHeader(HeaderList& headers, const std::string& name, std::string value) {
    const std::string key = CanonicalHeaderKey(name);
    for (auto it = headers.begin(); it != headers.end();) {
        if (CanonicalHeaderKey(it->first) == key)
            it = headers.erase(it);
        else
            ++it;
    }
    headers.emplace_back(key, std::move(value));
}

const std::string* FindHeader(const HeaderList& headers, std::string_view name) {
    const std::string key = CanonicalHeaderKey(name);
    for (const auto& [k, v] : headers)
        if (CanonicalHeaderKey(k) == key) return &v;
    return nullptr;
}

core::Result<bool> OptionalBool(const nlohmann::json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return false;
    if (!it->is_boolean()) return ConfigError(where + key + " must be a boolean");
    return it->get<bool>();
}

core::Result<std::string> RequiredString(const nlohmann::json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) return ConfigError(where + key + " is required");
    if (!it->is_string()) return ConfigError(where + key + " must be a string");
    return it->get<std::string>();
}

core::Status OnlyKeys(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed,
                      const std::string& where) {
    for (const auto& [key, value] : obj.items()) {
        bool known = false;
        for (auto a : allowed) known = known || key == a;
        if (!known) return ConfigError(where + key + " is not a known key");
    }
    return {};
}

// Applies `auth` the way Kratos's request builder does: basic auth sets Authorization, an API key
// sets its header or adds a cookie.
core::Status ApplyAuth(const nlohmann::json& auth, HeaderList& headers) {
    if (!auth.is_object()) return ConfigError("auth must be an object");
    BIA_TRY(OnlyKeys(auth, {"type", "config"}, "auth."));
    BIA_TRY_ASSIGN(std::string type, RequiredString(auth, "type", "auth."));
    auto cfg = auth.find("config");
    if (cfg == auth.end()) return ConfigError("auth.config is required");
    if (!cfg->is_object()) return ConfigError("auth.config must be an object");
    if (type == "basic_auth") {
        BIA_TRY(OnlyKeys(*cfg, {"user", "password"}, "auth.config."));
        BIA_TRY_ASSIGN(std::string user, RequiredString(*cfg, "user", "auth.config."));
        BIA_TRY_ASSIGN(std::string password, RequiredString(*cfg, "password", "auth.config."));
        SetHeader(headers, "Authorization", "Basic " + core::Base64Encode(user + ":" + password));
        return {};
    }
    if (type == "api_key") {
        BIA_TRY(OnlyKeys(*cfg, {"name", "value", "in"}, "auth.config."));
        BIA_TRY_ASSIGN(std::string name, RequiredString(*cfg, "name", "auth.config."));
        BIA_TRY_ASSIGN(std::string value, RequiredString(*cfg, "value", "auth.config."));
        BIA_TRY_ASSIGN(std::string in, RequiredString(*cfg, "in", "auth.config."));
        if (in == "header") {
            if (!IsToken(name)) return ConfigError("auth.config.name is not a valid header name");
            // The value is a secret: the message must not repeat it.
            if (!IsSafeHeaderValue(value)) return ConfigError("auth.config.value contains a line break");
            SetHeader(headers, name, value);
        } else if (in == "cookie") {
            if (name.empty()) return ConfigError("auth.config.name is empty");
            const std::string pair = CookiePair(name, value);
            if (const std::string* existing = FindHeader(headers, "Cookie"); existing != nullptr && !existing->empty())
                SetHeader(headers, "Cookie", *existing + "; " + pair);
            else
                SetHeader(headers, "Cookie", pair);
        } else {
            return ConfigError("auth.config.in must be \"header\" or \"cookie\"");
        }
        return {};
    }
    return ConfigError("auth.type \"" + type + "\" is not supported (use basic_auth or api_key)");
}

// scheme://host/path: enough to recognise the target in a log, without credentials or query.
std::string LogUrl(const std::string& url) {
    auto u = core::Url::Parse(url);
    if (!u) return "(unparsable)";
    return u->scheme + "://" + u->host + u->path;
}

// application/x-www-form-urlencoded bodies: the template renders an object of strings, sent
// sorted by key as Go's url.Values.Encode does.
core::Result<std::string> FormEncode(const std::string& rendered) {
    const nlohmann::json doc = nlohmann::json::parse(rendered, nullptr, false);
    if (doc.is_discarded() || !(doc.is_object() || doc.is_null()))
        return core::Internal("the form body template must render an object of strings");
    core::Query q;
    if (doc.is_object()) {
        for (const auto& [k, v] : doc.items()) {
            if (!v.is_string()) return core::Internal("the form body template must render an object of strings");
            q.Add(k, v.get<std::string>());
        }
    }
    return q.Encode(/*sorted=*/true);
}

}  // namespace

// Runs `response.ignore` calls on a few background threads so the flow never waits for them.
class WebHook::Dispatcher {
  public:
    Dispatcher(const WebHook& hook, size_t max_workers, size_t queue_limit)
        : hook_(hook), max_workers_(std::max<size_t>(1, max_workers)), queue_limit_(queue_limit) {}

    ~Dispatcher() {
        size_t dropped = 0;
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
            dropped = queue_.size();
            queue_.clear();
        }
        stop_.Stop();
        work_cv_.notify_all();
        for (auto& t : threads_) t.join();
        if (dropped > 0)
            hook_.Log(LogLevel::kWarning, {{"msg", "Webhook calls dropped at shutdown"}, {"dropped", dropped}});
    }

    // False when the queue is full; the call is then lost (and logged by the caller).
    bool Enqueue(nlohmann::json ctx) {
        std::lock_guard lock(mu_);
        if (stopping_ || queue_.size() >= queue_limit_) return false;
        queue_.push_back(std::move(ctx));
        if (queue_.size() > idle_ && threads_.size() < max_workers_) threads_.emplace_back([this] { Loop(); });
        work_cv_.notify_one();
        return true;
    }

    bool WaitIdle(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        return idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && busy_ == 0; });
    }

  private:
    void Loop() {
        std::unique_lock lock(mu_);
        while (true) {
            ++idle_;
            work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            --idle_;
            if (stopping_) return;
            nlohmann::json ctx = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
            lock.unlock();
            (void)hook_.Run(ctx, &stop_);  // the outcome is logged by Run; nobody waits for it
            lock.lock();
            --busy_;
            if (queue_.empty() && busy_ == 0) idle_cv_.notify_all();
        }
    }

    const WebHook& hook_;
    const size_t max_workers_;
    const size_t queue_limit_;
    std::mutex mu_;
    std::condition_variable work_cv_;
    std::condition_variable idle_cv_;
    std::deque<nlohmann::json> queue_;
    std::vector<std::thread> threads_;
    size_t idle_ = 0;
    size_t busy_ = 0;
    bool stopping_ = false;
    StopSignal stop_;
};

WebHook::~WebHook() { dispatcher_.reset(); }

core::Result<std::unique_ptr<WebHook>> WebHook::Create(const nlohmann::json& config, WebHookOptions options) {
    if (!config.is_object()) return ConfigError("config must be an object");
    BIA_TRY(OnlyKeys(
        config, {"id", "url", "method", "headers", "body", "auth", "response", "can_interrupt", "emit_analytics_event"},
        ""));
    std::unique_ptr<WebHook> hook(new WebHook());
    hook->options_ = std::move(options);

    if (auto it = config.find("id"); it != config.end()) {
        if (!it->is_string()) return ConfigError("id must be a string");
        hook->id_ = it->get<std::string>();
    }
    BIA_TRY_ASSIGN(hook->url_, RequiredString(config, "url", ""));
    {
        auto u = core::Url::Parse(hook->url_);
        if (!u || (u->scheme != "http" && u->scheme != "https") || u->host.empty())
            return ConfigError("url must be an absolute http:// or https:// URL");
        hook->log_url_ = LogUrl(hook->url_);
    }
    BIA_TRY_ASSIGN(hook->method_, RequiredString(config, "method", ""));
    if (!IsToken(hook->method_)) return ConfigError("method \"" + hook->method_ + "\" is not an HTTP method");

    HeaderList headers;
    if (auto it = config.find("headers"); it != config.end() && !it->is_null()) {
        if (!it->is_object()) return ConfigError("headers must be an object of strings");
        for (const auto& [name, value] : it->items()) {
            if (!value.is_string()) return ConfigError("headers." + name + " must be a string");
            if (!IsToken(name)) return ConfigError("headers: \"" + name + "\" is not a valid header name");
            if (!IsSafeHeaderValue(value.get<std::string>()))
                return ConfigError("headers." + name + " contains a line break");
            SetHeader(headers, name, value.get<std::string>());
        }
    }
    const std::string* content_type = FindHeader(headers, "Content-Type");
    if (content_type == nullptr || content_type->empty())
        SetHeader(headers, "Content-Type", std::string(kContentTypeJson));
    if (FindHeader(headers, "Accept") == nullptr) SetHeader(headers, "Accept", std::string(kContentTypeJson));

    if (auto it = config.find("auth"); it != config.end() && !it->is_null()) BIA_TRY(ApplyAuth(*it, headers));

    BIA_TRY_ASSIGN(hook->can_interrupt_, OptionalBool(config, "can_interrupt", ""));
    BIA_TRY_ASSIGN(const bool emit, OptionalBool(config, "emit_analytics_event", ""));
    hook->emit_ids_ = emit || !config.contains("emit_analytics_event") || config["emit_analytics_event"].is_null();
    if (auto it = config.find("response"); it != config.end() && !it->is_null()) {
        if (!it->is_object()) return ConfigError("response must be an object");
        BIA_TRY(OnlyKeys(*it, {"ignore", "parse"}, "response."));
        BIA_TRY_ASSIGN(hook->ignore_response_, OptionalBool(*it, "ignore", "response."));
        BIA_TRY_ASSIGN(hook->parse_response_, OptionalBool(*it, "parse", "response."));
    }
    if (hook->ignore_response_ && (hook->parse_response_ || hook->can_interrupt_))
        return ConfigError(
            "the hook is configured to ignore the response but also to parse it (response.parse or "
            "can_interrupt); "
            "this is not possible");

    // Every method but TRACE carries a rendered body, as in Kratos, where a hook without a
    // template fails on every call; here that is caught at start-up instead.
    if (hook->method_ != "TRACE") {
        auto it = config.find("body");
        if (it == config.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()))
            return ConfigError("body (the URL of a Jsonnet template) is required for method " + hook->method_);
        if (!it->is_string()) return ConfigError("body must be a string");
        const std::string& type = *FindHeader(headers, "Content-Type");
        if (type == kContentTypeForm)
            hook->form_body_ = true;
        else if (type != kContentTypeJson)
            return ConfigError(
                "the Content-Type header must be application/json or "
                "application/x-www-form-urlencoded for a request with a body");
        const RetryPolicy policy = hook->options_.http;
        auto body =
            BodyTemplate::Load(it->get<std::string>(), [policy](const std::string& url) -> core::Result<std::string> {
                OutgoingRequest get{.method = "GET",
                                    .url = url,
                                    .headers = {},
                                    .body = std::nullopt,
                                    .attempt_headers = {},
                                    .max_redirects = kMaxTemplateRedirects};
                SendResult r = Send(get, policy, nullptr);
                if (r.outcome != SendResult::Outcome::kAnswered) return core::Internal(r.error);
                if (r.status != 200) return core::Internal("expected status 200 but got " + std::to_string(r.status));
                if (r.truncated) return core::Internal("the template is larger than 5 MiB");
                return std::move(r.body);
            });
        if (!body) return ConfigError(body.error().reason);
        hook->body_ = std::move(body).value();
    } else if (auto it = config.find("body"); it != config.end() && !it->is_null() && !it->is_string()) {
        return ConfigError("body must be a string");
    }
    hook->headers_ = std::move(headers);
    if (hook->ignore_response_)
        hook->dispatcher_ =
            std::make_unique<Dispatcher>(*hook, hook->options_.async_workers, hook->options_.async_queue_limit);
    return hook;
}

void WebHook::Log(LogLevel level, nlohmann::json event) const {
    if (!options_.log) return;
    if (!id_.empty()) event["hook_id"] = id_;
    try {
        options_.log(level, event);
    } catch (...) {
        // A failing log sink must not take the flow (or a background thread) down with it.
    }
}

core::Result<WebHookResult> WebHook::Run(const nlohmann::json& ctx, StopSignal* stop) const {
    const auto started = std::chrono::steady_clock::now();
    const bool background = stop != nullptr;
    auto finish = [&](core::Result<WebHookResult> r, int status, int attempts) -> core::Result<WebHookResult> {
        nlohmann::json event = {
            {"method", method_},
            {"url", log_url_},
            {"duration_ms",
             std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()},
        };
        if (status != 0) event["status"] = status;
        if (attempts != 0) event["attempts"] = attempts;
        const bool failed = !r || !r->validations.empty();
        if (!failed) {
            event["msg"] = r->sent ? "Webhook request succeeded" : "Webhook request cancelled by its body template";
            Log(LogLevel::kInfo, std::move(event));
        } else {
            event["error"] = !r ? r.error().reason + (r.error().message.empty() ? "" : " (" + r.error().message + ")")
                                : std::string(kRejected);
            if (background) {
                event["msg"] =
                    "Webhook request failed but the error was ignored because the configuration indicated "
                    "that the upstream response should be ignored";
                Log(LogLevel::kWarning, std::move(event));
            } else {
                event["msg"] = "Webhook request failed";
                Log(LogLevel::kError, std::move(event));
            }
        }
        return r;
    };

    OutgoingRequest request;
    request.method = method_;
    request.url = url_;
    request.headers = headers_;
    if (method_ != "TRACE") {
        auto rendered = body_->Render(ctx);
        if (!rendered) return finish(std::move(rendered).error(), 0, 0);
        if (!rendered->has_value()) return finish(WebHookResult{}, 0, 0);  // `error "cancel"`
        if (form_body_) {
            auto form = FormEncode(**rendered);
            if (!form) return finish(std::move(form).error(), 0, 0);
            request.body = std::move(form).value();
        } else {
            request.body = std::move(**rendered);
        }
    }
    if (emit_ids_) {
        // Kratos tags each delivery so a receiver can correlate the retries of one call.
        core::SecureRandom random;
        const std::string trigger = core::Uuid::V4(random).ToString();
        request.headers.emplace_back("Ory-Webhook-Trigger-Id", trigger);
        request.attempt_headers = [] {
            core::SecureRandom r;
            return HeaderList{{"Ory-Webhook-Request-Id", core::Uuid::V4(r).ToString()}};
        };
    }

    SendResult sent = Send(request, options_.http, stop);
    switch (sent.outcome) {
        case SendResult::Outcome::kStopped:
            return finish(core::Internal("the web hook call was stopped at shutdown"), 0, sent.attempts);
        case SendResult::Outcome::kTimeout: {
            core::Error e(504, std::string(kUnreachable));
            e.message = "web hook timed out: " + sent.error;
            return finish(std::move(e), 0, sent.attempts);
        }
        case SendResult::Outcome::kFailed:
            return finish(core::Internal("web hook request failed: " + sent.error), sent.status, sent.attempts);
        case SendResult::Outcome::kAnswered:
            break;
    }

    WebHookResult result;
    result.sent = true;
    result.status = sent.status;
    if (sent.status >= 300 && sent.status < 400) {
        // Redirects are not followed (the request carries the hook's credentials and the
        // identity's data); a 3xx is not the target's answer, so the call failed.
        core::Error e(502, std::string(kImproper));
        e.message =
            "webhook answered with a redirect (status code " + std::to_string(sent.status) + "), which is not followed";
        return finish(std::move(e), sent.status, sent.attempts);
    }
    if (sent.status >= 400) {
        if (can_interrupt_ || parse_response_) {
            auto validations = ParseRejection(sent.body);
            if (!validations) return finish(std::move(validations).error(), sent.status, sent.attempts);
            result.validations = std::move(validations).value();
            return finish(std::move(result), sent.status, sent.attempts);
        }
        core::Error e(502, std::string(kImproper));
        e.message = "webhook failed with status code " + std::to_string(sent.status);
        return finish(std::move(e), sent.status, sent.attempts);
    }
    if (parse_response_ && sent.status == 200) {
        auto patch = ParseIdentityPatch(sent.body);
        if (!patch) return finish(std::move(patch).error(), sent.status, sent.attempts);
        result.identity_patch = std::move(patch).value();
    }
    return finish(std::move(result), sent.status, sent.attempts);
}

core::Result<WebHookResult> WebHook::Call(const nlohmann::json& ctx) const {
    if (ignore_response_) {
        if (!dispatcher_->Enqueue(ctx))
            Log(LogLevel::kWarning,
                {{"msg", "Webhook call dropped: too many calls are waiting"}, {"method", method_}, {"url", log_url_}});
        return WebHookResult{};
    }
    return Run(ctx, nullptr);
}

core::Status WebHook::Execute(const nlohmann::json& ctx) const {
    BIA_TRY_ASSIGN(WebHookResult r, Call(ctx));
    if (!r.validations.empty())
        return core::BadRequest(std::string(kRejected))
            .WithDetail(std::string(kValidationsDetail), ToJson(r.validations));
    return {};
}

bool WebHook::WaitIdle(std::chrono::milliseconds timeout) const {
    return dispatcher_ == nullptr || dispatcher_->WaitIdle(timeout);
}

std::optional<std::vector<HookValidation>> ValidationsOf(const core::Error& error) {
    if (error.code != 400 || !error.details.is_object()) return std::nullopt;
    auto it = error.details.find(std::string(kValidationsDetail));
    if (it == error.details.end()) return std::nullopt;
    auto parsed = ParseRejection(it->dump());
    if (!parsed) return std::nullopt;
    return std::move(parsed).value();
}

}  // namespace bia::selfservice::hook
