// libFuzzer target: the body of every self-service method submission, decoded the way the routes
// decode it (DecodeFlowBody: JSON, url-encoded, multipart; traits coerced by the identity schema)
// and handed to the flow services and their strategies: password login, password registration,
// profile and password settings (settings-flow.md §1.8, §5, §8, §9). The stores are in memory but
// serialise what they store exactly as the SQLite repositories do (strict json::dump), so a value
// the server would fail to persist is a crash here.
//
// Input: byte 0 picks the flow (bits 0-1: login, registration, settings, settings), the flow type
// (bit 2: browser, else API), whether the client negotiates JSON (bit 3) and the Content-Type
// (bits 4-6); the rest is the body. In the body, $M expands to a valid masked CSRF token and $P
// to the same token percent-encoded. Each body is submitted twice to the same flow (a retry after
// a rejection re-renders the stored flow). An identity a@b.c / "correct horse battery" exists and
// the settings caller is signed in as it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/encoding.hpp"
#include "crypto/csrf_token.hpp"
#include "http/routes/flow_body.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "strategy/password/password_login.hpp"
#include "strategy/password/password_registration.hpp"
#include "strategy/password/password_settings.hpp"
#include "strategy/profile/profile_settings.hpp"
#include "testing/fake_password_hashing.hpp"
#include "testing/memory_flow_store.hpp"
#include "testing/memory_stores.hpp"

namespace {

using bia::testing::FakeHashing;
using bia::testing::MemoryContinuity;
using bia::testing::MemoryIdentities;
using bia::testing::MemorySessions;
using bia::testing::NoBreaches;

using namespace bia;
using nlohmann::json;
using namespace std::chrono_literals;
using selfservice::FlowType;

constexpr const char* kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "traits": {
      "type": "object",
      "properties": {
        "email": {
          "type": "string", "format": "email", "title": "E-Mail", "minLength": 3,
          "ory.sh/kratos": {"credentials": {"password": {"identifier": true}},
                            "verification": {"via": "email"}, "recovery": {"via": "email"}}
        },
        "name": {"type": "object", "properties": {"first": {"type": "string"}, "last": {"type": "string"}}},
        "age": {"type": "integer", "minimum": 0}, "newsletter": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3}
      },
      "required": ["email"],
      "additionalProperties": false
    }
  }
})";

const config::Config& Cfg() {
    static const config::Config c = [] {
        config::Config c;
        c.dev_mode = true;
        c.serve.public_api.base_url = "http://127.0.0.1:4433/";
        c.selfservice.default_browser_return_url = "http://ui.test/";
        c.selfservice.allowed_return_urls = {"http://ui.test/"};
        c.selfservice.flows.login.ui_url = "http://ui.test/login";
        c.selfservice.flows.login.lifespan = 10min;
        c.selfservice.flows.registration.ui_url = "http://ui.test/registration";
        c.selfservice.flows.registration.lifespan = 10min;
        c.selfservice.flows.settings.ui_url = "http://ui.test/settings";
        c.selfservice.flows.settings.lifespan = 3h;  // outlives the privileged age (1 h)
        c.selfservice.flows.error.ui_url = "http://ui.test/error";
        c.selfservice.flows.registration.after.methods["password"].hooks = {config::Hook{"session", nullptr}};
        c.selfservice.methods.password.haveibeenpwned_enabled = false;
        return c;
    }();
    return c;
}

const schema::SchemaRegistry& Schemas() {
    static const auto s =
        schema::SchemaRegistry::Load({{"default", "base64://" + core::Base64Encode(kSchema)}}, "default").value();
    return *s;
}

struct World {
    const config::Config& cfg = Cfg();
    core::FakeClock clock;
    core::SeededRandom random{5};
    MemoryIdentities identity_repo;
    MemorySessions session_repo{&identity_repo};
    bia::testing::MemoryFlows<selfservice::login::LoginFlow> login_flows;
    bia::testing::MemoryFlows<selfservice::registration::RegistrationFlow> registration_flows;
    bia::testing::MemoryFlows<selfservice::settings::SettingsFlow> settings_flows;
    MemoryContinuity continuity;
    FakeHashing hashing;
    NoBreaches breaches;
    crypto::PasswordPolicy policy{crypto::PasswordPolicyOptions{.min_length = 8, .hibp_enabled = false}, breaches,
                                  clock};
    identity::IdentityService identities{identity_repo, Schemas(), hashing, clock, random};
    session::SessionService sessions{session_repo, clock, random, {}};
    selfservice::ReturnToValidator return_to{cfg.selfservice.allowed_return_urls, cfg.PublicBaseUrl()};
    strategy::password::PasswordLogin password_login{cfg, identities, Schemas(), hashing, random};
    strategy::password::PasswordRegistration password_registration{cfg, identities, policy, hashing, clock, random};
    strategy::password::PasswordSettings password_settings{cfg, identities, policy, hashing, random};
    strategy::profile::ProfileSettings profile_settings{cfg, identities, random};
    selfservice::settings::SettingsHooks hooks;
    core::DirectUnitOfWork units;
    selfservice::login::LoginService login{cfg,    login_flows, {&password_login}, sessions, return_to, clock,
                                           random, units};
    selfservice::registration::RegistrationService registration{cfg,
                                                                registration_flows,
                                                                {&password_registration},
                                                                identity_repo,
                                                                sessions,
                                                                Schemas(),
                                                                return_to,
                                                                clock,
                                                                random,
                                                                units};
    selfservice::settings::SettingsService settings{
        cfg,       settings_flows, continuity, {&profile_settings, &password_settings},
        hooks,     identity_repo,  sessions,   Schemas(),
        return_to, clock,          random,     units};

    std::string csrf_cookie = crypto::GenerateCsrfCookieValue(random);
    std::string masked = crypto::MaskCsrfToken(csrf_cookie, random).value();
    std::optional<session::Session> signed_in;

    World() {
        // The existing account, registered through an API flow.
        auto init = registration.Init(FlowType::kApi, Context(FlowType::kApi, false, "registration/api"));
        const auto& shown = std::get<selfservice::ShowFlow>(init);
        auto done = registration.Submit(
            Context(FlowType::kApi, false, "registration"), shown.id.ToString(),
            json{{"method", "password"}, {"traits", {{"email", "a@b.c"}}}, {"password", "correct horse battery"}});
        const auto& completed = std::get<selfservice::Completed>(done);
        signed_in = sessions.ResolveToken(completed.body.Dom()["session_token"].get<std::string>()).value();
    }

    selfservice::RequestContext Context(FlowType type, bool json_request, std::string_view path) const {
        selfservice::RequestContext ctx;
        ctx.url = "http://127.0.0.1:4433/self-service/" + std::string(path);
        ctx.json_request = json_request;
        if (type == FlowType::kBrowser) {
            ctx.csrf_token = csrf_cookie;
            ctx.csrf_cookie_sent = ctx.cookie_header_sent = true;
            ctx.cookie_names = {crypto::CsrfCookieName(cfg.PublicBaseUrl())};
        }
        return ctx;
    }
};

std::string Expand(std::string_view in, const World& w) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '$' && i + 1 < in.size() && (in[i + 1] == 'M' || in[i + 1] == 'P')) {
            out += in[i + 1] == 'M' ? w.masked : core::PercentEncode(w.masked);
            ++i;
        } else {
            out += in[i];
        }
    }
    return out;
}

std::optional<core::Uuid> ShownId(const selfservice::Outcome& o) {
    if (const auto* s = std::get_if<selfservice::ShowFlow>(&o)) return s->id;
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const kTypes[] = {"application/json",
                                         "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=XyZ",
                                         "application/json; charset=utf-8",
                                         "application/x-www-form-urlencoded; charset=utf-8",
                                         "text/plain",
                                         "multipart/form-data; boundary=\"a b\"",
                                         "application/json"};
    if (size == 0 || size > 16384) return 0;
    const uint8_t flags = data[0];
    const FlowType type = (flags & 4) != 0 ? FlowType::kBrowser : FlowType::kApi;
    const bool json_request = (flags & 8) != 0;
    World w;

    http::Request r;
    r.method = "POST";
    r.headers = {{"Content-Type", kTypes[(flags >> 4) & 7]}};
    r.body = Expand(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), w);

    switch (flags & 3) {
        case 0: {
            auto ctx = w.Context(type, json_request, "login");
            auto id = ShownId(w.login.Init(type, ctx));
            if (!id) std::abort();
            const auto body = http::routes::DecodeFlowBody(r, nullptr);
            for (int i = 0; i < 2; ++i) (void)w.login.Submit(ctx, id->ToString(), body);
            break;
        }
        case 1: {
            auto ctx = w.Context(type, json_request, "registration");
            auto id = ShownId(w.registration.Init(type, ctx));
            if (!id) std::abort();
            const auto body = http::routes::DecodeFlowBody(r, &Schemas().Default());
            for (int i = 0; i < 2; ++i) (void)w.registration.Submit(ctx, id->ToString(), body);
            break;
        }
        default: {
            auto ctx = w.Context(type, json_request, "settings");
            ctx.session = w.signed_in;
            selfservice::ContinuityRefs refs;
            auto id = ShownId(w.settings.Init(type, ctx, refs));
            if (!id) std::abort();
            const auto body = http::routes::DecodeFlowBody(r, w.settings.SchemaFor(*w.signed_in->identity));
            selfservice::settings::HookRequestFacts facts{"POST", ctx.url, r.headers, {}};
            for (int i = 0; i < 2; ++i) (void)w.settings.Submit(ctx, id->ToString(), body, facts, refs);
            // A session past the privileged age pauses password changes into a continuity container.
            w.clock.Advance(2h);
            (void)w.settings.Submit(ctx, id->ToString(), body, facts, refs);
            break;
        }
    }
    return 0;
}
