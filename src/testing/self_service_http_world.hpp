// Test fixture: the self-service HTTP machinery (session resolver, CSRF cookies, error store,
// SelfServiceHttp) on in-memory stores, a fake clock and a seeded random source, as the route
// tests and the request-credentials fuzz target use it. Test-only (header-only).
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/cookie_sealer.hpp"
#include "http/routes/self_service_http.hpp"
#include "session/session_service.hpp"
#include "testing/memory_stores.hpp"

namespace bia::testing {

inline config::Config SelfServiceHttpConfig() {
    config::Config c;
    c.dev_mode = true;
    c.serve.public_api.base_url = "http://127.0.0.1:4433/";
    c.selfservice.flows.error.ui_url = "http://ui.test/error";
    c.secrets.default_secrets = {"0123456789abcdef0123456789abcdef"};
    return c;
}

struct SelfServiceHttpWorld {
    config::Config cfg = SelfServiceHttpConfig();
    core::FakeClock clock;
    core::SeededRandom random{11};
    MemorySessions session_repo;
    session::AalRules aal_rules;  // empty: a test adds the factor rules it needs
    session::SessionService sessions{session_repo, clock, random, session::SessionOptions{.aal_rules = &aal_rules}};
    crypto::CookieSealer sealer = crypto::CookieSealer::Create(cfg.CookieSecrets(), random).value();
    http::routes::SessionResolver resolver{sessions, sealer, cfg};
    http::routes::CsrfCookies csrf{cfg, random};
    MemoryErrors error_repo;
    selfservice::ErrorStore errors{error_repo, clock, random};
    http::routes::SelfServiceHttp http{cfg, resolver, csrf, errors, clock};
};

}  // namespace bia::testing
