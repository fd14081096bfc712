#include "app/wiring.hpp"

#include "app/cleanup_job.hpp"
#include "app/courier_job.hpp"
#include "app/settings_web_hook.hpp"
#include "app/storage.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "cleanup/cleanup.hpp"
#include "courier/courier.hpp"
#include "courier/templates.hpp"
#include "crypto/argon2id_hasher.hpp"
#include "crypto/bcrypt_hasher.hpp"
#include "crypto/cookie_sealer.hpp"
#include "crypto/hash_pool.hpp"
#include "crypto/hibp_client.hpp"
#include "crypto/password_policy.hpp"
#include "crypto/password_verifier.hpp"
#include "crypto/token_cipher.hpp"
#include "http/router.hpp"
#include "http/routes/admin_identities.hpp"
#include "http/routes/admin_recovery_routes.hpp"
#include "http/routes/courier_routes.hpp"
#include "http/routes/csrf_cookie.hpp"
#include "http/routes/flow_routes.hpp"
#include "http/routes/oidc_routes.hpp"
#include "http/routes/self_service_error_routes.hpp"
#include "http/routes/self_service_http.hpp"
#include "http/routes/session_resolver.hpp"
#include "http/routes/session_routes.hpp"
#include "http/routes/settings_routes.hpp"
#include "http/routes/static_file_routes.hpp"
#include "http/routes/system_routes.hpp"
#include "http/routes/ui_pages.hpp"
#include "http/routes/undo_routes.hpp"
#include "http/server.hpp"
#include "identity/identity_service.hpp"
#include "net/http_client.hpp"
#include "schema/formats.hpp"
#include "schema/schema.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/return_to.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/recovery/recovery_service.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "selfservice/settings/settings_hook.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "selfservice/undo/undo_service.hpp"
#include "selfservice/verification/verification_service.hpp"
#include "session/session_service.hpp"
#include "strategy/code/code_module.hpp"
#include "strategy/link/link_module.hpp"
#include "strategy/lookup_secret/lookup_module.hpp"
#include "strategy/method_module.hpp"
#include "strategy/oidc/oidc_callback.hpp"
#include "strategy/oidc/oidc_module.hpp"
#include "strategy/password/password_module.hpp"
#include "strategy/profile/profile_module.hpp"
#include "strategy/totp/totp_module.hpp"
#include "strategy/webauthn/webauthn_module.hpp"
#include "text/catalog.hpp"

namespace bia::app {

namespace {

// The authentication methods, in Kratos's dispatch order (settings-flow.md §5.2: profile before
// password); each flow asks its strategies in this order. Adding a method is a folder under
// src/strategy/ and one line here.
// clang-format off
constexpr strategy::MethodFactory kMethodModules[] = {
    &strategy::profile::MakeProfileModule,
    &strategy::password::MakePasswordModule,
    &strategy::oidc::MakeOidcModule,
    &strategy::totp::MakeTotpModule,
    &strategy::webauthn::MakeWebAuthnModule,
    &strategy::lookup_secret::MakeLookupSecretModule,
    &strategy::code::MakeCodeModule,
    &strategy::link::MakeLinkModule,
};
// clang-format on

// The built-in UI's message catalogues (file:// URLs or paths), read once at start.
core::Result<std::vector<text::Catalog>> LoadCatalogs(const std::vector<std::string>& sources) {
    std::vector<text::Catalog> out;
    for (const std::string& source : sources) {
        const std::string path = source.starts_with("file://") ? source.substr(7) : source;
        std::ifstream in(path, std::ios::binary);
        if (!in) return core::Internal("selfservice.builtin_ui.catalogs: cannot read " + source);
        std::ostringstream text;
        text << in.rdbuf();
        auto catalog = text::Catalog::Parse(text.str());
        if (!catalog)
            return core::Internal("selfservice.builtin_ui.catalogs: " + source + ": " + catalog.error().reason);
        out.push_back(std::move(catalog).value());
    }
    return out;
}

// identity::PasswordHashing on top of the bounded hash pool, so admin imports and flows share
// the same admission control.
class PooledHashing final : public identity::PasswordHashing {
  public:
    PooledHashing(crypto::HashPool& pool, const crypto::PasswordVerifier& verifier)
        : pool_(pool), verifier_(verifier) {}
    core::Result<std::string> Hash(std::string_view password) override { return pool_.HashBlocking(password); }
    core::Status CheckImportedHash(std::string_view encoded) override { return verifier_.CheckImportable(encoded); }

  private:
    crypto::HashPool& pool_;
    const crypto::PasswordVerifier& verifier_;
};

}  // namespace

struct Wiring::Parts {
    config::Config config;
    core::SystemClock clock;
    core::SecureRandom random;
    Storage storage;
    // Destroyed before storage (members go in reverse order): the thread stops before the database.
    std::unique_ptr<cleanup::Cleanup> cleanup;
    std::unique_ptr<cleanup::PeriodicCleanup> periodic_cleanup;
    std::unique_ptr<crypto::CookieSealer> continuity_sealer;
    std::unique_ptr<crypto::TokenCipher> token_cipher;  // OIDC tokens at rest (token_cipher())
    std::unique_ptr<selfservice::SealedContinuityRepository> continuity;
    // Outgoing mail: templates (read at start), the Mailer the flows use, and with --watch-courier
    // the SMTP dispatcher (its thread stops before the database goes).
    std::unique_ptr<courier::Templates> courier_templates;
    std::unique_ptr<courier::Courier> courier;
    CourierWorker courier_worker;
    std::unique_ptr<http::routes::CourierRoutes> courier_routes;
    std::unique_ptr<schema::SchemaRegistry> schemas;
    std::unique_ptr<crypto::PasswordHasher> hasher;
    std::unique_ptr<crypto::PasswordVerifier> verifier;
    std::unique_ptr<crypto::HashPool> hash_pool;
    std::unique_ptr<PooledHashing> hashing;
    std::unique_ptr<identity::IdentityService> identities;
    session::AalRules aal_rules;  // filled from the method modules once they are built
    std::unique_ptr<session::SessionService> sessions;
    std::unique_ptr<http::routes::SystemRoutes> system_routes;
    std::unique_ptr<http::routes::AdminIdentityRoutes> admin_identity_routes;
    std::unique_ptr<crypto::CookieSealer> cookie_sealer;
    // Breached-password checks; schema fetching, web hooks and the CLI use net::DefaultHttpClient(),
    // the same stateless client.
    net::CurlHttpClient http_client;
    std::unique_ptr<crypto::HibpClient> hibp;
    std::unique_ptr<crypto::PasswordPolicy> password_policy;
    std::unique_ptr<selfservice::ReturnToValidator> return_to;
    std::unique_ptr<selfservice::ErrorStore> error_store;
    std::unique_ptr<strategy::MethodModules> methods;
    std::unique_ptr<selfservice::login::LoginService> login;
    std::unique_ptr<selfservice::registration::RegistrationService> registration;
    std::unique_ptr<http::routes::SessionResolver> session_resolver;
    std::unique_ptr<http::routes::CsrfCookies> csrf_cookies;
    std::unique_ptr<http::routes::SelfServiceHttp> self_service_http;
    std::unique_ptr<http::routes::LoginRoutes> login_routes;
    std::unique_ptr<http::routes::RegistrationRoutes> registration_routes;
    std::unique_ptr<http::routes::SessionRoutes> session_routes;
    std::unique_ptr<http::routes::SelfServiceErrorRoutes> error_routes;
    std::unique_ptr<selfservice::settings::SettingsHooks> settings_hooks;
    std::unique_ptr<selfservice::settings::SettingsService> settings;
    std::unique_ptr<strategy::oidc::OidcCallback> oidc_callback;
    std::unique_ptr<http::routes::OidcRoutes> oidc_routes;
    std::unique_ptr<http::routes::SettingsRoutes> settings_routes;
    std::unique_ptr<selfservice::verification::VerificationService> verification;
    std::unique_ptr<http::routes::VerificationRoutes> verification_routes;
    std::unique_ptr<selfservice::recovery::RecoveryService> recovery;
    std::unique_ptr<http::routes::RecoveryRoutes> recovery_routes;
    std::unique_ptr<http::routes::AdminRecoveryRoutes> admin_recovery_routes;
    std::unique_ptr<selfservice::undo::UndoService> undo;
    std::unique_ptr<http::routes::UndoRoutes> undo_routes;
    std::unique_ptr<http::routes::StaticFileRoutes> static_files;
    std::unique_ptr<http::routes::UiPages> ui_pages;
    http::Router public_router;
    http::Router admin_router;
    std::unique_ptr<http::Server> server;
};

Wiring::Wiring() : parts_(std::make_unique<Parts>()) {}
Wiring::~Wiring() = default;

core::Result<std::unique_ptr<Wiring>> Wiring::Build(config::Config config, WiringOptions options) {
    std::unique_ptr<Wiring> w(new Wiring());
    Parts& p = *w->parts_;
    p.config = std::move(config);
    const auto& cfg = p.config;

    // Database and repositories (backend chosen by the DSN).
    std::vector<std::string> applied;
    BIA_TRY_ASSIGN(p.storage, OpenStorage(cfg.dsn, options.migrate, &applied));
    for (const auto& v : applied) spdlog::info(R"({{"msg":"applied migration","version":"{}"}})", v);
    auto& identity_repo = *p.storage.identities;
    auto& session_repo = *p.storage.sessions;

    // Expired records go in the background, on a thread of their own (started by Start()).
    p.cleanup =
        std::make_unique<cleanup::Cleanup>(*p.storage.expired, p.clock, CleanupOptionsFrom(cfg.database.cleanup));
    if (cfg.database.cleanup.interval > core::Duration::zero()) {
        p.periodic_cleanup = std::make_unique<cleanup::PeriodicCleanup>(
            *p.cleanup, cfg.database.cleanup.interval, [](const cleanup::CleanupReport& report) {
                nlohmann::json event = CleanupReportJson(report);
                event["msg"] = "database cleanup";
                const auto level = !report.ok()                ? spdlog::level::warn
                                   : report.TotalDeleted() > 0 ? spdlog::level::info
                                                               : spdlog::level::debug;
                spdlog::log(level, "{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            });
    }

    // Courier: templates are read and parsed now, so a broken override fails the start.
    BIA_TRY_ASSIGN(auto templates, courier::Templates::Load(cfg.courier, p.http_client));
    p.courier_templates = std::make_unique<courier::Templates>(std::move(templates));
    p.courier = std::make_unique<courier::Courier>(*p.storage.courier, *p.courier_templates, p.clock, p.random);
    if (options.watch_courier) {
        BIA_TRY_ASSIGN(p.courier_worker, BuildCourierWorker(cfg.courier, *p.storage.courier, p.clock));
    }

    // Identity schemas.
    std::vector<schema::SchemaSource> sources;
    for (const auto& s : cfg.identity.schemas) sources.push_back({s.id, s.url});
    BIA_TRY_ASSIGN(p.schemas, schema::SchemaRegistry::Load(sources, cfg.identity.default_schema_id));
    // tel checks need the phone plugin beside the binary (or in ../lib/bia/); say so now rather
    // than at the first sign-up, which would be refused.
    for (const auto& s : p.schemas->all()) {
        if (!schema::UsesTelFormat(s->raw())) continue;
        if (auto missing = schema::MissingPhoneLibrary()) {
            const nlohmann::json event = {
                {"msg",
                 "identity schema uses format tel but the phone number library is not installed: every "
                 "tel value will be refused as invalid"},
                {"schema_id", s->id()},
                {"looked_in", *missing},
            };
            spdlog::warn("{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        break;
    }

    // Password hashing: one configured hasher, verification of every known format, and the
    // bounded pool that keeps hashing off the network threads.
    if (cfg.hashers.algorithm == config::HashAlgorithm::kArgon2) {
        const auto& a = cfg.hashers.argon2;
        const uint32_t parallelism =
            a.parallelism ? a.parallelism : 2 * std::max(1u, std::thread::hardware_concurrency());
        crypto::Argon2Params params;
        params.memory_kib = static_cast<uint32_t>(a.memory_bytes / 1024);
        params.iterations = a.iterations;
        params.parallelism = parallelism;
        params.salt_length = a.salt_length;
        params.key_length = a.key_length;
        p.hasher = std::make_unique<crypto::Argon2idHasher>(params, p.random);
    } else {
        p.hasher = std::make_unique<crypto::BcryptHasher>(static_cast<int>(cfg.hashers.bcrypt.cost), p.random);
    }
    p.verifier = std::make_unique<crypto::PasswordVerifier>();
    crypto::HashPoolOptions pool_options;
    BIA_TRY_ASSIGN(p.hash_pool, crypto::HashPool::Create(*p.hasher, *p.verifier, p.random, pool_options));
    p.hashing = std::make_unique<PooledHashing>(*p.hash_pool, *p.verifier);

    // Services.
    p.identities =
        std::make_unique<identity::IdentityService>(identity_repo, *p.schemas, *p.hashing, p.clock, p.random);
    session::SessionOptions session_options;
    session_options.lifespan = cfg.session.lifespan;
    session_options.earliest_possible_extend = cfg.session.earliest_possible_extend;
    session_options.aal_rules = &p.aal_rules;
    // Kept sessions save a full load (six statements on SQLite; on PostgreSQL one round trip of
    // five) for a stamp read (one statement; on PostgreSQL shared with concurrent reads).
    session_options.cache_bytes = session::kSessionCacheBytes;
    p.sessions = std::make_unique<session::SessionService>(session_repo, p.clock, p.random, session_options);

    // Routes.
    http::routes::SystemOptions system_options;
    system_options.version = BIA_VERSION;
    system_options.public_base_url = cfg.PublicBaseUrl();
    system_options.admin_base_url = cfg.AdminBaseUrl();
    system_options.ready = p.storage.ping;
    p.system_routes = std::make_unique<http::routes::SystemRoutes>(*p.schemas, system_options);
    p.system_routes->RegisterPublic(p.public_router);
    p.system_routes->RegisterAdmin(p.admin_router);

    // Self-service: shared machinery, then one strategy per (method, flow), then the flows.
    std::vector<std::string> cookie_secrets = cfg.CookieSecrets();
    if (cookie_secrets.empty()) cookie_secrets.push_back(p.random.AlphaNumeric(32));  // as Kratos: invented secret
    BIA_TRY_ASSIGN(auto sealer, crypto::CookieSealer::Create(std::move(cookie_secrets), p.random));
    p.cookie_sealer = std::make_unique<crypto::CookieSealer>(std::move(sealer));
    // What continuity containers hold (a paused password change) is sealed at rest.
    std::vector<std::string> cipher_secrets = cfg.CipherSecrets();
    if (cipher_secrets.empty()) cipher_secrets.push_back(p.random.AlphaNumeric(32));
    BIA_TRY_ASSIGN(auto continuity_sealer, crypto::CookieSealer::Create(std::move(cipher_secrets), p.random));
    p.continuity_sealer = std::make_unique<crypto::CookieSealer>(std::move(continuity_sealer));
    p.continuity =
        std::make_unique<selfservice::SealedContinuityRepository>(*p.storage.continuity, *p.continuity_sealer);
    // OIDC tokens are stored encrypted (`ciphers.algorithm`, keys `secrets.cipher`, no fallback
    // to secrets.default, as Kratos); built before the method modules, which use it.
    BIA_TRY_ASSIGN(p.token_cipher, crypto::MakeTokenCipher(cfg.ciphers.algorithm, cfg.secrets.cipher));
    p.hibp = std::make_unique<crypto::HibpClient>(crypto::HibpClientOptions{}, p.http_client);
    const auto& pw = cfg.selfservice.methods.password;
    crypto::PasswordPolicyOptions policy_options;
    policy_options.min_length = pw.min_password_length;
    policy_options.identifier_similarity = pw.identifier_similarity_check_enabled;
    policy_options.hibp_enabled = pw.haveibeenpwned_enabled;
    policy_options.hibp_host = pw.haveibeenpwned_host;
    policy_options.max_breaches = pw.max_breaches;
    policy_options.ignore_network_errors = pw.ignore_network_errors;
    policy_options.bcrypt_in_use = cfg.hashers.algorithm == config::HashAlgorithm::kBcrypt;
    p.password_policy = std::make_unique<crypto::PasswordPolicy>(policy_options, *p.hibp, p.clock);
    p.return_to =
        std::make_unique<selfservice::ReturnToValidator>(cfg.selfservice.allowed_return_urls, cfg.PublicBaseUrl());
    p.error_store = std::make_unique<selfservice::ErrorStore>(*p.storage.errors, p.clock, p.random);
    // Method modules are always built: a disabled method answers 404 when addressed
    // (settings-flow.md §5.2).
    p.methods = std::make_unique<strategy::MethodModules>(
        kMethodModules,
        strategy::MethodDeps{cfg, *p.identities, *p.schemas, *p.hash_pool, *p.verifier, *p.hasher, *p.password_policy,
                             p.clock, p.random, p.aal_rules, p.storage.one_time_secrets.get(), p.courier.get(),
                             &p.http_client, p.token_cipher.get()});
    BIA_TRY(p.methods->Ready());
    p.methods->AddAalRules(p.aal_rules);
    // The admin API knows the credential types of the built methods.
    http::routes::AdminIdentityOptions admin_options{cfg.PublicBaseUrl(), cfg.AdminBaseUrl(),
                                                     p.methods->CredentialTypes()};
    admin_options.token_cipher = p.token_cipher.get();
    p.admin_identity_routes =
        std::make_unique<http::routes::AdminIdentityRoutes>(*p.identities, *p.sessions, std::move(admin_options));
    p.admin_identity_routes->Register(p.admin_router);
    p.courier_routes = std::make_unique<http::routes::CourierRoutes>(*p.storage.courier);
    p.courier_routes->Register(p.admin_router);
    p.login = std::make_unique<selfservice::login::LoginService>(cfg, *p.storage.login_flows,
                                                                 p.methods->LoginStrategies(), *p.sessions,
                                                                 *p.return_to, p.clock, p.random, *p.storage.units);
    p.registration = std::make_unique<selfservice::registration::RegistrationService>(
        cfg, *p.storage.registration_flows, p.methods->RegistrationStrategies(), identity_repo, *p.sessions, *p.schemas,
        *p.return_to, p.clock, p.random, *p.storage.units);
    p.session_resolver = std::make_unique<http::routes::SessionResolver>(*p.sessions, *p.cookie_sealer, cfg);
    p.csrf_cookies = std::make_unique<http::routes::CsrfCookies>(cfg, p.random);
    p.self_service_http = std::make_unique<http::routes::SelfServiceHttp>(cfg, *p.session_resolver, *p.csrf_cookies,
                                                                          *p.error_store, p.clock);
    namespace login = selfservice::login;
    namespace registration = selfservice::registration;
    p.login_routes = std::make_unique<http::routes::LoginRoutes>(
        *p.login, *p.self_service_http,
        http::routes::FlowRoutePaths{login::kRouteInitApi, login::kRouteInitBrowser, login::kRouteFetch,
                                     login::kRouteSubmit});
    p.login_routes->Register(p.public_router);
    p.registration_routes = std::make_unique<http::routes::RegistrationRoutes>(
        *p.registration, *p.self_service_http,
        http::routes::FlowRoutePaths{registration::kRouteInitApi, registration::kRouteInitBrowser,
                                     registration::kRouteFetch, registration::kRouteSubmit},
        p.schemas.get());
    p.registration_routes->Register(p.public_router);
    p.session_routes = std::make_unique<http::routes::SessionRoutes>(*p.sessions, *p.self_service_http, *p.return_to,
                                                                     p.storage.changes);
    p.session_routes->Register(p.public_router);
    p.error_routes = std::make_unique<http::routes::SelfServiceErrorRoutes>(*p.error_store);
    p.error_routes->Register(p.public_router);

    // Settings.
    BIA_TRY_ASSIGN(auto settings_hooks,
                   selfservice::settings::SettingsHooks::Build(cfg.selfservice.flows.settings.after, session_repo,
                                                               MakeSettingsWebHook(cfg.PublicBaseUrl())));
    p.settings_hooks = std::make_unique<selfservice::settings::SettingsHooks>(std::move(settings_hooks));
    p.settings = std::make_unique<selfservice::settings::SettingsService>(
        cfg, *p.storage.settings_flows, *p.continuity, p.methods->SettingsStrategies(), *p.settings_hooks,
        identity_repo, *p.sessions, *p.schemas, *p.return_to, p.clock, p.random, *p.storage.units);
    p.settings_routes = std::make_unique<http::routes::SettingsRoutes>(*p.settings, *p.self_service_http,
                                                                       *p.cookie_sealer, p.storage.changes);
    p.settings_routes->Register(p.public_router, p.admin_router);
    // The social sign-in callback finishes login, registration and settings flows.
    for (const auto& m : p.methods->modules()) {
        if (auto* oidc = dynamic_cast<strategy::oidc::OidcModule*>(m.get())) {
            p.oidc_callback = std::make_unique<strategy::oidc::OidcCallback>(
                cfg, oidc->method(), *p.identities, *p.login, *p.storage.login_flows, *p.registration,
                *p.storage.registration_flows, *p.settings, *p.storage.settings_flows);
        }
    }
    if (p.oidc_callback) {
        p.oidc_routes =
            std::make_unique<http::routes::OidcRoutes>(*p.oidc_callback, *p.self_service_http, *p.settings_routes);
        p.oidc_routes->Register(p.public_router);
    }
    // Verification and recovery; registration and settings send the verification message of a
    // new or changed address through the verification flow.
    namespace verification = selfservice::verification;
    namespace recovery = selfservice::recovery;
    p.verification = std::make_unique<verification::VerificationService>(
        cfg, *p.storage.verification_flows, p.methods->VerificationStrategies(), identity_repo, *p.return_to, p.clock,
        p.random);
    if (cfg.selfservice.flows.verification.enabled) {
        p.registration->set_verification_sender(p.verification.get());
        p.settings->set_verification_sender(p.verification.get());
    }
    p.verification_routes = std::make_unique<http::routes::VerificationRoutes>(
        *p.verification, *p.self_service_http,
        http::routes::FlowRoutePaths{verification::kRouteInitApi, verification::kRouteInitBrowser,
                                     verification::kRouteFetch, verification::kRouteSubmit});
    p.verification_routes->Register(p.public_router);
    p.recovery = std::make_unique<recovery::RecoveryService>(cfg, *p.storage.recovery_flows,
                                                             p.methods->RecoveryStrategies(), identity_repo,
                                                             *p.sessions, *p.settings, *p.return_to, p.clock, p.random);
    p.recovery_routes = std::make_unique<http::routes::RecoveryRoutes>(
        *p.recovery, *p.self_service_http,
        http::routes::FlowRoutePaths{recovery::kRouteInitApi, recovery::kRouteInitBrowser, recovery::kRouteFetch,
                                     recovery::kRouteSubmit});
    p.recovery_routes->Register(p.public_router);
    p.admin_recovery_routes = std::make_unique<http::routes::AdminRecoveryRoutes>(*p.recovery);
    p.admin_recovery_routes->Register(p.admin_router);
    // The notice to a previous address, with its undo link (a Bia key).
    if (cfg.selfservice.flows.settings.notify_previous_address) {
        p.undo = std::make_unique<selfservice::undo::UndoService>(
            cfg, *p.identities, session_repo, *p.storage.one_time_secrets, *p.courier, p.clock, p.random);
        p.settings->set_change_notice(p.undo.get());
        p.undo_routes = std::make_unique<http::routes::UndoRoutes>(*p.undo, cfg.PublicBaseUrl(),
                                                                   cfg.selfservice.flows.login.ui_url);
        p.undo_routes->Register(p.public_router);
    }
    // The files method modules serve (webauthn's script).
    std::vector<http::routes::StaticFile> files;
    for (const strategy::MethodAsset& a : p.methods->Assets()) {
        files.push_back({std::string(a.path), std::string(a.content_type), a.body});
    }
    p.static_files = std::make_unique<http::routes::StaticFileRoutes>(std::move(files));
    p.static_files->Register(p.public_router);
    // Bia's own account pages (selfservice.builtin_ui.enabled).
    if (cfg.selfservice.builtin_ui) {
        BIA_TRY_ASSIGN(auto catalogs, LoadCatalogs(cfg.selfservice.builtin_ui_catalogs));
        p.ui_pages = std::make_unique<http::routes::UiPages>(*p.login_routes, *p.registration_routes,
                                                             *p.settings_routes, *p.error_routes, *p.session_routes,
                                                             cfg.PublicBaseUrl(), std::move(catalogs));
        if (cfg.selfservice.flows.verification.enabled || cfg.selfservice.flows.recovery.enabled) {
            p.ui_pages->SetAddressFlows(
                cfg.selfservice.flows.verification.enabled ? p.verification_routes.get() : nullptr,
                cfg.selfservice.flows.recovery.enabled ? p.recovery_routes.get() : nullptr);
        }
        p.ui_pages->Register(p.public_router);
    }

    // Server.
    http::ServerOptions server_options;
    http::Listener pub;
    pub.name = "public";
    pub.host = cfg.serve.public_api.host.empty() ? "127.0.0.1" : cfg.serve.public_api.host;
    pub.port = cfg.serve.public_api.port;
    pub.router = &p.public_router;
    pub.default_headers = {{"Cache-Control", "private, no-cache, no-store, must-revalidate"}, {"Vary", "Cookie"}};
    http::Listener adm;
    adm.name = "admin";
    adm.host = cfg.serve.admin_api.host.empty() ? "127.0.0.1" : cfg.serve.admin_api.host;
    adm.port = cfg.serve.admin_api.port;
    adm.router = &p.admin_router;
    server_options.listeners = {pub, adm};
    server_options.offload_every_route = p.storage.reads_wait_on_network;
    // Every request then passes through the pool's queue: a burst of reads (each ~1 kB while it
    // waits) queues up to 4,096 deep instead of being refused with a 503 past 256.
    if (server_options.offload_every_route) server_options.worker_queue_limit = 4096;
    p.server = std::make_unique<http::Server>(std::move(server_options));
    return w;
}

core::Status Wiring::Start() {
    BIA_TRY(parts_->server->Start());
    if (parts_->periodic_cleanup) parts_->periodic_cleanup->Start();
    if (parts_->courier_worker.dispatcher) parts_->courier_worker.dispatcher->Start();
    return {};
}
void Wiring::Stop() {
    if (parts_->courier_worker.dispatcher) parts_->courier_worker.dispatcher->Stop();
    if (parts_->periodic_cleanup) parts_->periodic_cleanup->Stop();
    parts_->server->Stop();
}
void Wiring::Wait() { parts_->server->Wait(); }
courier::Mailer& Wiring::mailer() { return *parts_->courier; }
const crypto::TokenCipher& Wiring::token_cipher() const { return *parts_->token_cipher; }

std::string Wiring::PublicListenUrl() const {
    const auto& l = parts_->config.serve.public_api;
    return "http://" + (l.host.empty() ? std::string("127.0.0.1") : l.host) + ":" +
           std::to_string(parts_->server->BoundPort(0)) + "/";
}
std::string Wiring::AdminListenUrl() const {
    const auto& l = parts_->config.serve.admin_api;
    return "http://" + (l.host.empty() ? std::string("127.0.0.1") : l.host) + ":" +
           std::to_string(parts_->server->BoundPort(1)) + "/";
}

}  // namespace bia::app
