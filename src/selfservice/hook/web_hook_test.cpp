#include "selfservice/hook/web_hook.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/encoding.hpp"
#include "selfservice/hook/body_template.hpp"

namespace bia::selfservice::hook {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Recorded {
    std::string method, target;
    HeaderList headers;
    std::string body;
    std::string Header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (CanonicalHeaderKey(k) == CanonicalHeaderKey(name)) return v;
        return "";
    }
    int HeaderCount(std::string_view name) const {
        int n = 0;
        for (const auto& [k, v] : headers) n += CanonicalHeaderKey(k) == CanonicalHeaderKey(name) ? 1 : 0;
        return n;
    }
};

struct Answer {
    int status = 200;
    std::string body;
    HeaderList headers;
    milliseconds delay{0};
};

// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 that records every request and answers
// what the test scripts. Raw sockets on purpose: it must not share code with the client under test.
class Receiver {
  public:
    using Script = std::function<Answer(const Recorded&, size_t index)>;

    explicit Receiver(Script script = {}) : script_(std::move(script)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) std::abort();
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Loop(); });
    }
    ~Receiver() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }

    std::string Url(const std::string& path = "/hook") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    std::vector<Recorded> Requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    size_t Count() const {
        std::lock_guard lock(mu_);
        return requests_.size();
    }
    bool WaitFor(size_t n, milliseconds timeout) const {
        const auto end = Clock::now() + timeout;
        while (Clock::now() < end) {
            if (Count() >= n) return true;
            std::this_thread::sleep_for(milliseconds(5));
        }
        return Count() >= n;
    }

  private:
    void Loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            Serve(c);
            ::close(c);
        }
    }

    // Reads one request; false when the peer went away first.
    bool ReadRequest(int c, Recorded& r) {
        std::string data;
        char buf[8192];
        size_t header_end = std::string::npos;
        size_t content_length = 0;
        const auto deadline = Clock::now() + milliseconds(5000);
        while (Clock::now() < deadline && !stop_) {
            if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return false;
            data.append(buf, static_cast<size_t>(n));
            if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
                std::string head = data.substr(0, header_end);
                size_t pos = head.find("\r\n");
                const std::string line = head.substr(0, pos);
                const size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
                r.method = line.substr(0, sp1);
                r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
                while (pos != std::string::npos) {
                    const size_t next = head.find("\r\n", pos + 2);
                    const std::string h =
                        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
                    const size_t colon = h.find(':');
                    std::string value = h.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                    r.headers.emplace_back(h.substr(0, colon), value);
                    pos = next;
                }
                if (std::string cl = r.Header("Content-Length"); !cl.empty()) content_length = std::stoul(cl);
            }
        }
        if (header_end == std::string::npos) return false;
        r.body = data.substr(header_end + 4, content_length);
        return true;
    }

    void Serve(int c) {
        Recorded r;
        if (!ReadRequest(c, r)) return;
        size_t index;
        {
            std::lock_guard lock(mu_);
            index = requests_.size();
            requests_.push_back(r);
        }
        Answer a = script_ ? script_(r, index) : Answer{};
        const auto until = Clock::now() + a.delay;
        while (!stop_ && Clock::now() < until) std::this_thread::sleep_for(milliseconds(5));
        std::string out = "HTTP/1.1 " + std::to_string(a.status) +
                          " X\r\nContent-Length: " + std::to_string(a.body.size()) + "\r\nConnection: close\r\n";
        for (const auto& [k, v] : a.headers) out += k + ": " + v + "\r\n";
        out += "\r\n" + a.body;
        ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    }

    Script script_;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    std::vector<Recorded> requests_;
};

std::string B64(std::string_view s) { return "base64://" + core::Base64Encode(s); }

const std::string kPickTemplate = "function(ctx) { email: ctx.identity.traits.email, flow_id: ctx.flow.id }";

json SampleContext() {
    HookRequest req{"POST", "https://auth.example.com/self-service/settings?flow=f-123", {{"User-Agent", "ua"}}, {}};
    return BuildContext(json{{"id", "f-123"}, {"type", "browser"}},
                        json{{"id", "i-1"}, {"traits", {{"email", "alice@example.com"}}}}, json{{"id", "s-1"}}, req);
}

// Fast retries so tests that exercise them stay quick.
WebHookOptions Fast(milliseconds timeout = milliseconds(5000), int retries = 0) {
    WebHookOptions o;
    o.http.timeout = timeout;
    o.http.max_retries = retries;
    o.http.wait_min = milliseconds(10);
    o.http.wait_max = milliseconds(50);
    return o;
}

std::unique_ptr<WebHook> MustCreate(const json& config, WebHookOptions options = Fast()) {
    auto hook = WebHook::Create(config, std::move(options));
    if (!hook.ok()) ADD_FAILURE() << hook.error().reason;
    return hook.ok() ? std::move(hook).value() : nullptr;
}

TEST(WebHook, RendersTheTemplateWithCtxAndSendsJson) {
    Receiver rx;
    auto hook = MustCreate({{"url", rx.Url("/hook?x=1")}, {"method", "POST"}, {"body", B64(kPickTemplate)}});
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].target, "/hook?x=1");
    EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
    EXPECT_EQ(reqs[0].Header("Accept"), "application/json");
    EXPECT_EQ(json::parse(reqs[0].body), (json{{"email", "alice@example.com"}, {"flow_id", "f-123"}}));
    // Kratos tags deliveries so a receiver can correlate retries.
    EXPECT_EQ(reqs[0].Header("Ory-Webhook-Trigger-Id").size(), 36u);
    EXPECT_EQ(reqs[0].Header("Ory-Webhook-Request-Id").size(), 36u);
}

TEST(WebHook, ReadsTemplatesFromFilesAndAcceptsExtVarCtx) {
    Receiver rx;
    const auto path = std::filesystem::temp_directory_path() / ("bia_hook_" + std::to_string(::getpid()) + ".jsonnet");
    std::ofstream(path)
        << "local ctx = std.extVar('ctx');\n{ email: ctx.identity.traits.email, url: ctx.request_url }\n";
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "PUT"}, {"body", "file://" + path.string()}});
    std::filesystem::remove(path);  // loaded at Create: later edits do not matter
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "PUT");
    EXPECT_EQ(json::parse(reqs[0].body), (json{{"email", "alice@example.com"},
                                               {"url", "https://auth.example.com/self-service/settings?flow=f-123"}}));
}

TEST(WebHook, EmptyObjectAndNullBodiesAreSentAsRendered) {
    Receiver rx;
    auto empty = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}});
    auto null = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) null")}});
    ASSERT_TRUE(empty && null);
    ASSERT_TRUE(empty->Execute(SampleContext()).ok());
    ASSERT_TRUE(null->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(json::parse(reqs[0].body), json::object());
    EXPECT_TRUE(json::parse(reqs[1].body).is_null());
}

TEST(WebHook, CancelInTheTemplateSendsNothing) {
    Receiver rx;
    auto hook = MustCreate({{"url", rx.Url()},
                            {"method", "POST"},
                            {"body", B64("function(ctx) if ctx.flow.id == 'f-123' then error 'cancel' else {}")}});
    ASSERT_TRUE(hook);
    auto r = hook->Call(SampleContext());
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_FALSE(r->sent);
    std::this_thread::sleep_for(milliseconds(50));
    EXPECT_EQ(rx.Count(), 0u);
}

TEST(WebHook, BasicAuth) {
    Receiver rx;
    auto hook =
        MustCreate({{"url", rx.Url()},
                    {"method", "POST"},
                    {"body", B64("function(ctx) {}")},
                    {"auth", {{"type", "basic_auth"}, {"config", {{"user", "bia"}, {"password", "pa55:word"}}}}}});
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].Header("Authorization"), "Basic " + core::Base64Encode("bia:pa55:word"));
}

TEST(WebHook, ApiKeyInHeaderReplacesAConfiguredHeader) {
    Receiver rx;
    auto hook = MustCreate(
        {{"url", rx.Url()},
         {"method", "POST"},
         {"body", B64("function(ctx) {}")},
         {"headers", {{"x-api-key", "configured"}, {"X-Custom", "yes"}}},
         {"auth", {{"type", "api_key"}, {"config", {{"name", "X-API-Key"}, {"value", "k3y"}, {"in", "header"}}}}}});
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].Header("X-Api-Key"), "k3y");
    EXPECT_EQ(reqs[0].HeaderCount("X-Api-Key"), 1);
    EXPECT_EQ(reqs[0].Header("X-Custom"), "yes");
}

TEST(WebHook, ApiKeyInCookieJoinsAConfiguredCookieHeader) {
    Receiver rx;
    auto plain = MustCreate(
        {{"url", rx.Url()},
         {"method", "POST"},
         {"body", B64("function(ctx) {}")},
         {"auth", {{"type", "api_key"}, {"config", {{"name", "hook_key"}, {"value", "k3y"}, {"in", "cookie"}}}}}});
    auto joined = MustCreate(
        {{"url", rx.Url()},
         {"method", "POST"},
         {"body", B64("function(ctx) {}")},
         {"headers", {{"Cookie", "a=b"}}},
         {"auth", {{"type", "api_key"}, {"config", {{"name", "hook_key"}, {"value", "k 3y"}, {"in", "cookie"}}}}}});
    ASSERT_TRUE(plain && joined);
    ASSERT_TRUE(plain->Execute(SampleContext()).ok());
    ASSERT_TRUE(joined->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].Header("Cookie"), "hook_key=k3y");
    EXPECT_EQ(reqs[0].Header("X-Api-Key"), "");
    EXPECT_EQ(reqs[1].Header("Cookie"), "a=b; hook_key=\"k 3y\"");  // Go quotes values with spaces
}

TEST(WebHook, FormContentTypeSendsSortedUrlEncodedFields) {
    Receiver rx;
    auto hook = MustCreate({{"url", rx.Url()},
                            {"method", "POST"},
                            {"headers", {{"Content-Type", "application/x-www-form-urlencoded"}}},
                            {"body", B64("function(ctx) { to: ctx.identity.traits.email, a: 'x y&z' }")}});
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].Header("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(reqs[0].body, "a=x+y%26z&to=alice%40example.com");
}

TEST(WebHook, ErrorStatusIsABadGatewayError) {
    Receiver rx([](const Recorded&, size_t) { return Answer{403, R"({"messages":[]})"}; });
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}});
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 502);
    EXPECT_EQ(st.error().reason, "A third-party upstream service responded improperly. Please try again later.");
    EXPECT_EQ(st.error().message, "webhook failed with status code 403");
    EXPECT_EQ(rx.Count(), 1u);  // 4xx is not retried
}

TEST(WebHook, RetriesServerErrorsThenGivesUp) {
    Receiver rx([](const Recorded&, size_t) { return Answer{500, "boom"}; });
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}},
                           Fast(milliseconds(5000), 2));
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 500);
    EXPECT_NE(st.error().reason.find("giving up after 3 attempt(s)"), std::string::npos) << st.error().reason;
    EXPECT_EQ(rx.Count(), 3u);
}

TEST(WebHook, RetryThatSucceedsKeepsTheTriggerId) {
    Receiver rx([](const Recorded&, size_t i) { return i == 0 ? Answer{503, ""} : Answer{200, ""}; });
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}},
                           Fast(milliseconds(5000), 2));
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].Header("Ory-Webhook-Trigger-Id"), reqs[1].Header("Ory-Webhook-Trigger-Id"));
    EXPECT_NE(reqs[0].Header("Ory-Webhook-Request-Id"), reqs[1].Header("Ory-Webhook-Request-Id"));
    EXPECT_EQ(reqs[0].body, reqs[1].body);
}

TEST(WebHook, TimeoutIsAGatewayTimeoutWithinTheLimit) {
    Receiver rx([](const Recorded&, size_t) { return Answer{200, "", {}, milliseconds(3000)}; });
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}},
                           Fast(milliseconds(300), 0));
    ASSERT_TRUE(hook);
    const auto start = Clock::now();
    auto st = hook->Execute(SampleContext());
    const auto took = Clock::now() - start;
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 504);
    EXPECT_EQ(st.error().reason, "A third-party upstream service could not be reached. Please try again later.");
    EXPECT_GE(took, milliseconds(250));
    EXPECT_LT(took, milliseconds(1500));
}

TEST(WebHook, UnreachableTargetIsAnError) {
    int port;
    {
        Receiver gone;  // bound then closed: nothing listens there afterwards
        port = std::stoi(gone.Url("").substr(std::string("http://127.0.0.1:").size()));
    }
    auto hook = MustCreate({{"url", "http://127.0.0.1:" + std::to_string(port) + "/"},
                            {"method", "POST"},
                            {"body", B64("function(ctx) {}")}});
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 500);
}

TEST(WebHook, IgnoredResponseDoesNotWaitAndNeverFails) {
    Receiver rx([](const Recorded&, size_t) { return Answer{500, "no", {}, milliseconds(800)}; });
    std::mutex mu;
    std::vector<std::pair<LogLevel, json>> logs;
    WebHookOptions options = Fast(milliseconds(5000), 0);
    options.log = [&](LogLevel level, const json& e) {
        std::lock_guard lock(mu);
        logs.emplace_back(level, e);
    };
    auto hook = MustCreate(
        {{"url", rx.Url()}, {"method", "POST"}, {"body", B64(kPickTemplate)}, {"response", {{"ignore", true}}}},
        options);
    ASSERT_TRUE(hook);
    EXPECT_TRUE(hook->ignores_response());
    EXPECT_FALSE(hook->RunsBeforePersist());
    const auto start = Clock::now();
    auto st = hook->Execute(SampleContext());
    EXPECT_LT(Clock::now() - start, milliseconds(300));
    EXPECT_TRUE(st.ok());
    ASSERT_TRUE(rx.WaitFor(1, milliseconds(3000)));
    ASSERT_TRUE(hook->WaitIdle(milliseconds(5000)));
    EXPECT_EQ(json::parse(rx.Requests()[0].body)["email"], "alice@example.com");
    std::lock_guard lock(mu);
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].first, LogLevel::kWarning);  // the failure is only logged
    EXPECT_EQ(logs[0].second["status"], 500);
}

TEST(WebHook, IgnoredResponseToAnUnreachableTargetStillSucceeds) {
    auto hook = MustCreate({{"url", "http://127.0.0.1:1/"},
                            {"method", "POST"},
                            {"body", B64("function(ctx) {}")},
                            {"response", {{"ignore", true}}}});
    ASSERT_TRUE(hook);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(hook->Execute(SampleContext()).ok());
    EXPECT_TRUE(hook->WaitIdle(milliseconds(5000)));
}

TEST(WebHook, DestroyingAHookAbortsBackgroundCallsPromptly) {
    Receiver rx([](const Recorded&, size_t) { return Answer{200, "", {}, milliseconds(10000)}; });
    auto hook = MustCreate(
        {{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}, {"response", {{"ignore", true}}}});
    ASSERT_TRUE(hook);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    ASSERT_TRUE(rx.WaitFor(1, milliseconds(3000)));
    const auto start = Clock::now();
    hook.reset();
    EXPECT_LT(Clock::now() - start, milliseconds(3000));
}

TEST(WebHook, InterruptingHookTurnsMessagesIntoValidations) {
    const std::string answer = R"({"messages":[{"instance_ptr":"#/traits/email","messages":[
        {"id":1001,"text":"This email is blocked.","type":"error","context":{"reason":"blocked"}}]}]})";
    Receiver rx([&](const Recorded&, size_t) { return Answer{409, answer}; });
    for (const json& flags : {json{{"can_interrupt", true}}, json{{"response", {{"parse", true}}}}}) {
        json config = {{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}};
        config.update(flags);
        auto hook = MustCreate(config);
        ASSERT_TRUE(hook);
        EXPECT_TRUE(hook->RunsBeforePersist());
        auto r = hook->Call(SampleContext());
        ASSERT_TRUE(r.ok()) << r.error().reason;
        EXPECT_EQ(r->status, 409);
        ASSERT_EQ(r->validations.size(), 1u);
        EXPECT_EQ(NodeNameOf(r->validations[0].instance_ptr), "traits.email");
        EXPECT_EQ(r->validations[0].messages[0].id, 1001);
        EXPECT_EQ(r->validations[0].messages[0].text, "This email is blocked.");

        auto st = hook->Execute(SampleContext());
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().code, 400);
        auto back = ValidationsOf(st.error());
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(ToJson(*back), ToJson(r->validations));
    }
}

TEST(WebHook, InterruptingHookWithAnUnreadableAnswerFails) {
    Receiver rx([](const Recorded&, size_t) { return Answer{400, "<html>nope</html>"}; });
    auto hook =
        MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}, {"can_interrupt", true}});
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 500);
    EXPECT_FALSE(ValidationsOf(st.error()).has_value());
}

TEST(WebHook, ParseTakesIdentityChangesFromA200) {
    Receiver rx([](const Recorded&, size_t i) {
        return i == 0 ? Answer{200, R"({"identity":{"traits":{"email":"b@example.com"},"metadata_public":{"p":1}}})"}
                      : Answer{200, "not json"};
    });
    auto hook = MustCreate(
        {{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}, {"response", {{"parse", true}}}});
    ASSERT_TRUE(hook);
    auto r = hook->Call(SampleContext());
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(r->identity_patch, (json{{"traits", {{"email", "b@example.com"}}}, {"metadata_public", {{"p", 1}}}}));
    auto bad = hook->Call(SampleContext());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, 500);
}

TEST(WebHook, NonParsingHookIgnoresTheAnswerBody) {
    Receiver rx([](const Recorded&, size_t) { return Answer{200, "not json"}; });
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) {}")}});
    ASSERT_TRUE(hook);
    auto r = hook->Call(SampleContext());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->sent);
    EXPECT_EQ(r->identity_patch, json::object());
}

TEST(WebHook, RemoteTemplateIsFetchedOnceAndCached) {
    Receiver rx([](const Recorded& r, size_t) {
        if (r.target == "/body.jsonnet") return Answer{200, "function(ctx) { id: ctx.flow.id }"};
        return Answer{200, ""};
    });
    auto hook = MustCreate({{"url", rx.Url("/hook")}, {"method", "POST"}, {"body", rx.Url("/body.jsonnet")}});
    ASSERT_TRUE(hook);
    EXPECT_EQ(rx.Count(), 0u);  // fetched on first use, not at start-up
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].target, "/body.jsonnet");
    EXPECT_EQ(reqs[1].target, "/hook");
    EXPECT_EQ(reqs[2].target, "/hook");
    EXPECT_EQ(json::parse(reqs[2].body), (json{{"id", "f-123"}}));
}

TEST(WebHook, TraceSendsNoBodyAndNeedsNoTemplate) {
    Receiver rx;
    auto hook = MustCreate({{"url", rx.Url()}, {"method", "TRACE"}});
    ASSERT_TRUE(hook);
    ASSERT_TRUE(hook->Execute(SampleContext()).ok());
    auto reqs = rx.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "TRACE");
    EXPECT_EQ(reqs[0].body, "");
}

TEST(WebHook, TemplateRuntimeErrorFailsTheCall) {
    Receiver rx;
    auto hook =
        MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) { a: ctx.nope.deeper }")}});
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, 500);
    EXPECT_NE(st.error().reason.find("RUNTIME ERROR"), std::string::npos) << st.error().reason;
    EXPECT_EQ(rx.Count(), 0u);
}

TEST(WebHook, TemplatesCannotImport) {
    Receiver rx;
    auto hook =
        MustCreate({{"url", rx.Url()}, {"method", "POST"}, {"body", B64("function(ctx) import '/etc/passwd'")}});
    ASSERT_TRUE(hook);
    auto st = hook->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().reason.find("import not available"), std::string::npos) << st.error().reason;
}

TEST(WebHookCreate, InvalidTemplateNamesTheProblem) {
    auto syntax = WebHook::Create(
        {{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", B64("function(ctx) {\n a: ctx.a,\n")}});
    ASSERT_FALSE(syntax.ok());
    EXPECT_NE(syntax.error().reason.find("not valid Jsonnet"), std::string::npos) << syntax.error().reason;
    EXPECT_NE(syntax.error().reason.find("STATIC ERROR"), std::string::npos) << syntax.error().reason;
    EXPECT_NE(syntax.error().reason.find(":3:"), std::string::npos) << syntax.error().reason;  // line of the problem

    auto unknown = WebHook::Create(
        {{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", B64("function(ctx) { a: ctxx }")}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().reason.find("Unknown variable: ctxx"), std::string::npos) << unknown.error().reason;

    auto missing = WebHook::Create(
        {{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", "file:///nonexistent/bia.jsonnet"}});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().reason.find("/nonexistent/bia.jsonnet"), std::string::npos) << missing.error().reason;

    auto bad64 = WebHook::Create({{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", "base64://!!!"}});
    ASSERT_FALSE(bad64.ok());
    EXPECT_NE(bad64.error().reason.find("base64"), std::string::npos);

    auto scheme = WebHook::Create({{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", "ftp://x/y.jsonnet"}});
    ASSERT_FALSE(scheme.ok());
    EXPECT_NE(scheme.error().reason.find("unsupported scheme"), std::string::npos);
}

TEST(WebHookCreate, RejectsInvalidConfiguration) {
    const json base = {{"url", "http://127.0.0.1:9/"}, {"method", "POST"}, {"body", B64("function(ctx) {}")}};
    auto with = [&](const json& patch) {
        json c = base;
        c.merge_patch(patch);
        return WebHook::Create(c);
    };
    struct Case {
        json patch;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {{{"url", nullptr}}, "url is required"},
        {{{"url", "ftp://x/"}}, "url must be an absolute http"},
        {{{"method", nullptr}}, "method is required"},
        {{{"method", "PO ST"}}, "is not an HTTP method"},
        {{{"body", nullptr}}, "body (the URL of a Jsonnet template) is required"},
        {{{"timeout", "1s"}}, "timeout is not a known key"},
        {{{"response", {{"ignore", true}, {"parse", true}}}}, "ignore the response but also to parse"},
        {{{"response", {{"ignore", true}}}, {"can_interrupt", true}}, "ignore the response but also to parse"},
        {{{"response", {{"ignore", "yes"}}}}, "response.ignore must be a boolean"},
        {{{"auth", {{"type", "oauth2"}, {"config", json::object()}}}}, "auth.type \"oauth2\" is not supported"},
        {{{"auth", {{"type", "api_key"}, {"config", {{"name", "k"}, {"value", "v"}, {"in", "query"}}}}}},
         "auth.config.in"},
        {{{"auth", {{"type", "basic_auth"}, {"config", {{"user", "u"}}}}}}, "auth.config.password is required"},
        {{{"headers", {{"Content-Type", "text/plain"}}}}, "Content-Type header must be application/json"},
        {{{"headers", {{"X-A", "a\r\nX-B: b"}}}}, "contains a line break"},
    };
    for (const Case& c : cases) {
        auto r = with(c.patch);
        ASSERT_FALSE(r.ok()) << c.patch.dump();
        EXPECT_NE(r.error().reason.find(c.expect), std::string::npos) << r.error().reason;
    }
}

TEST(WebHookCreate, SecretsStayOutOfErrorsAndLogs) {
    auto bad = WebHook::Create(
        {{"url", "http://127.0.0.1:9/"},
         {"method", "POST"},
         {"body", B64("function(ctx) {}")},
         {"auth", {{"type", "api_key"}, {"config", {{"name", "X-Key"}, {"value", "t0p\nsecret"}, {"in", "header"}}}}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().reason.find("t0p"), std::string::npos);

    Receiver rx([](const Recorded&, size_t) { return Answer{403, ""}; });
    std::vector<json> logs;
    WebHookOptions options = Fast();
    options.log = [&](LogLevel, const json& e) { logs.push_back(e); };
    auto hook = MustCreate({{"id", "audit"},
                            {"url", "http://user:urlpass@127.0.0.1:" + rx.Url("").substr(17) + "/hook?token=qsecret"},
                            {"method", "POST"},
                            {"body", B64(kPickTemplate)},
                            {"auth", {{"type", "basic_auth"}, {"config", {{"user", "u"}, {"password", "pw-secret"}}}}}},
                           options);
    ASSERT_TRUE(hook);
    EXPECT_FALSE(hook->Execute(SampleContext()).ok());
    ASSERT_EQ(logs.size(), 1u);
    const std::string line = logs[0].dump();
    EXPECT_EQ(logs[0]["hook_id"], "audit");
    EXPECT_EQ(logs[0]["status"], 403);
    EXPECT_NE(line.find("/hook"), std::string::npos) << line;
    for (const char* secret : {"urlpass", "qsecret", "pw-secret", "alice@example.com", "Basic "})
        EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
}

// Issue 13: a web hook request carries the hook's credentials (basic auth, an API key in a header or
// a cookie) and the rendered body; a redirect must not carry them to wherever the answer points.
// Kratos's client drops Authorization and Cookie on a cross-host redirect but keeps any other
// header, so an API key in `X-API-Key` would travel; Bia does not follow redirects at all.
TEST(WebHook, RedirectsAreNotFollowedSoCredentialsNeverReachAnotherHost) {
    Receiver elsewhere;  // another port on loopback: another origin
    const std::vector<json> auths = {
        {{"type", "api_key"}, {"config", {{"name", "X-API-Key"}, {"value", "k3y-secret"}, {"in", "header"}}}},
        {{"type", "api_key"}, {"config", {{"name", "hook_key"}, {"value", "k3y-secret"}, {"in", "cookie"}}}},
        {{"type", "basic_auth"}, {"config", {{"user", "bia"}, {"password", "k3y-secret"}}}},
    };
    for (int status : {301, 302, 303, 307, 308}) {
        for (const std::string& target :
             {elsewhere.Url("/stolen"), "http://localhost:" + elsewhere.Url("/stolen").substr(17)}) {
            Receiver rx([&](const Recorded&, size_t) { return Answer{status, "", {{"Location", target}}}; });
            for (const auto& auth : auths) {
                auto hook = MustCreate({{"url", rx.Url()},
                                        {"method", "POST"},
                                        {"body", B64(kPickTemplate)},
                                        {"headers", {{"X-Custom", "yes"}}},
                                        {"auth", auth}});
                ASSERT_TRUE(hook);
                auto st = hook->Execute(SampleContext());
                // A redirect is not the hook's answer: the call fails like any improper answer.
                ASSERT_FALSE(st.ok()) << status << " " << target;
                EXPECT_EQ(st.error().code, 502);
                EXPECT_NE(st.error().message.find("redirect"), std::string::npos) << st.error().message;
            }
            EXPECT_EQ(rx.Count(), auths.size());
        }
    }
    std::this_thread::sleep_for(milliseconds(50));
    for (const auto& r : elsewhere.Requests()) {
        ADD_FAILURE() << "the redirect target got " << r.method << " " << r.target
                      << " X-API-Key=" << r.Header("X-API-Key") << " Cookie=" << r.Header("Cookie")
                      << " Authorization=" << r.Header("Authorization");
    }
}

// The Jsonnet template of a hook is fetched without credentials: a few redirects (http/https only)
// are followed there, as for identity schemas, and no more.
TEST(WebHook, RemoteTemplateFollowsAtMostThreeRedirects) {
    Receiver rx([&](const Recorded& r, size_t) {
        // /t/N redirects to /t/N-1; /t/0 is the template.
        if (r.target.starts_with("/t/")) {
            const int n = std::stoi(r.target.substr(3));
            if (n == 0) return Answer{200, "function(ctx) { id: ctx.flow.id }"};
            return Answer{302, "", {{"Location", "/t/" + std::to_string(n - 1)}}};
        }
        return Answer{200, ""};
    });
    auto three = MustCreate({{"url", rx.Url("/hook")}, {"method", "POST"}, {"body", rx.Url("/t/3")}});
    ASSERT_TRUE(three);
    EXPECT_TRUE(three->Execute(SampleContext()).ok());
    auto four = MustCreate({{"url", rx.Url("/hook")}, {"method", "POST"}, {"body", rx.Url("/t/4")}});
    ASSERT_TRUE(four);
    auto st = four->Execute(SampleContext());
    ASSERT_FALSE(st.ok());
    // The hook itself was never called with a template that could not be loaded.
    size_t hook_calls = 0;
    for (const auto& r : rx.Requests()) hook_calls += r.target == "/hook" ? 1 : 0;
    EXPECT_EQ(hook_calls, 1u);
}

// A template URL may only lead to http(s): a redirect to file:// is refused.
TEST(WebHook, RemoteTemplateRedirectToAFileIsRefused) {
    Receiver rx([&](const Recorded&, size_t) { return Answer{302, "", {{"Location", "file:///etc/passwd"}}}; });
    auto hook = MustCreate({{"url", rx.Url("/hook")}, {"method", "POST"}, {"body", rx.Url("/t")}});
    ASSERT_TRUE(hook);
    EXPECT_FALSE(hook->Execute(SampleContext()).ok());
}

TEST(HttpSender, BackoffDoublesAndHonoursRetryAfter) {
    RetryPolicy p;
    EXPECT_EQ(BackoffFor(p, 0, 500, std::nullopt), milliseconds(1000));
    EXPECT_EQ(BackoffFor(p, 1, 500, std::nullopt), milliseconds(2000));
    EXPECT_EQ(BackoffFor(p, 10, 500, std::nullopt), milliseconds(30000));
    EXPECT_EQ(BackoffFor(p, 0, 429, std::string("3")), milliseconds(3000));
    EXPECT_EQ(BackoffFor(p, 0, 503, std::string("86400")), milliseconds(30000));  // capped
    EXPECT_EQ(BackoffFor(p, 0, 500, std::string("3")), milliseconds(1000));       // only 429/503
}

}  // namespace
}  // namespace bia::selfservice::hook
