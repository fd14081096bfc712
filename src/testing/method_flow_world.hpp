// Test fixture for a method module's flow tests: one identity signed in with an aal1 password
// session, and the settings and login services over in-memory stores, a fake clock and a seeded
// random source. A test derives from it, builds its strategies from `cfg`, `schemas`, `clock`
// and `random`, and hands them to Wire. Test-only (header-only).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "session/session_service.hpp"
#include "testing/memory_flow_store.hpp"
#include "testing/memory_stores.hpp"

namespace bia::testing {

inline config::Config MethodFlowConfig() {
    config::Config c;
    c.serve.public_api.base_url = "https://auth.example.com/";
    c.selfservice.flows.settings.ui_url = "https://app.example.com/settings";
    c.selfservice.flows.settings.privileged_session_max_age = std::chrono::minutes(5);
    c.selfservice.flows.login.ui_url = "https://app.example.com/login";
    return c;
}

struct MethodFlowWorld {
    MethodFlowWorld(std::string_view schema_json, uint64_t seed) : random(seed) {
        schemas = schema::SchemaRegistry::Load({{"default", "base64://" + core::Base64Encode(schema_json)}}, "default")
                      .value();
        who.id = core::Uuid::V4(random);
        who.schema_id = "default";
        who.traits = {{"email", "alice@example.com"}};
        EXPECT_TRUE(identity_repo.Create(who));
        auto s = sessions.Issue(who, {"password", "aal1", clock.Now(), ""});
        EXPECT_TRUE(s);
        token = s->token;
    }

    // Builds the services around the test's strategies (in dispatch order).
    void Wire(std::vector<selfservice::settings::SettingsStrategy*> settings_strategies,
              std::vector<selfservice::login::LoginStrategy*> login_strategies) {
        settings = std::make_unique<selfservice::settings::SettingsService>(
            cfg, settings_flows, continuity, std::move(settings_strategies), hooks, identity_repo, sessions, *schemas,
            return_to, clock, random, units);
        login = std::make_unique<selfservice::login::LoginService>(cfg, login_flows, std::move(login_strategies),
                                                                   sessions, return_to, clock, random, units);
    }

    // The caller (the session of `token`) as the session resolver would see it now; with
    // `browser`, a browser holding a CSRF cookie.
    selfservice::RequestContext Ctx() {
        selfservice::RequestContext ctx;
        ctx.url = browser ? "https://auth.example.com/self-service/settings/browser"
                          : "https://auth.example.com/self-service/settings/api";
        if (browser) {
            ctx.csrf_token = core::Base64Encode(std::string(32, '\x5a'));  // a well-formed cookie value
            ctx.csrf_cookie_sent = ctx.cookie_header_sent = true;
            ctx.cookie_names = {"csrf_token"};
        }
        auto s = sessions.ResolveToken(token);
        EXPECT_TRUE(s);
        if (s) ctx.session = *s;
        return ctx;
    }
    selfservice::settings::SettingsFlow NewSettingsFlow() {
        selfservice::ContinuityRefs refs;
        selfservice::Outcome out =
            settings->Init(browser ? selfservice::FlowType::kBrowser : selfservice::FlowType::kApi, Ctx(), refs);
        auto* shown = std::get_if<selfservice::ShowFlow>(&out);
        EXPECT_NE(shown, nullptr);
        return shown ? settings_flows.At(shown->id) : selfservice::settings::SettingsFlow();
    }
    // Submits `body` to `f` (a browser's submission carries the flow's csrf_token).
    selfservice::Outcome SubmitSettings(const selfservice::settings::SettingsFlow& f, nlohmann::json body) {
        selfservice::ContinuityRefs refs;
        if (browser && !body.contains("csrf_token")) {
            if (const ui::Node* n = f.ui.Find(ui::kCsrfTokenName)) body["csrf_token"] = n->Input()->value;
        }
        return settings->Submit(Ctx(), f.id.ToString(), core::Result<nlohmann::json>(std::move(body)),
                                selfservice::settings::HookRequestFacts{}, refs);
    }
    // A new aal1 password session for the identity as stored now; it becomes the caller.
    session::Session SignInAgain() {
        auto s = sessions.Issue(identity_repo.rows.at(who.id), {"password", "aal1", clock.Now(), ""});
        EXPECT_TRUE(s);
        token = s->token;
        return *s;
    }

    config::Config cfg = MethodFlowConfig();
    core::FakeClock clock;
    core::SeededRandom random;
    std::unique_ptr<schema::SchemaRegistry> schemas;
    MemoryIdentities identity_repo;
    MemorySessions session_repo{&identity_repo};
    MemoryContinuity continuity;
    MemoryFlows<selfservice::settings::SettingsFlow> settings_flows;
    MemoryFlows<selfservice::login::LoginFlow> login_flows;
    // The test adds its method's factor rule (e.g. totp::Factors) for the AAL checks.
    session::AalRules aal_rules;
    session::SessionService sessions{session_repo, clock, random, session::SessionOptions{.aal_rules = &aal_rules}};
    selfservice::ReturnToValidator return_to{cfg.selfservice.allowed_return_urls, cfg.PublicBaseUrl()};
    selfservice::settings::SettingsHooks hooks;
    core::DirectUnitOfWork units;
    std::unique_ptr<selfservice::settings::SettingsService> settings;
    std::unique_ptr<selfservice::login::LoginService> login;
    identity::Identity who;
    std::string token;
    bool browser = false;  // flows started and submitted as a browser
};

}  // namespace bia::testing
