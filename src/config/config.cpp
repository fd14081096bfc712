#include "config/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

#include "config/byte_size.hpp"
#include "config/courier_config.hpp"
#include "config/key_schema.hpp"
#include "config/parsed_values.hpp"
#include "config/yaml_tree.hpp"
#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/url.hpp"

extern char** environ;  // POSIX; declared by <unistd.h> only with _GNU_SOURCE

namespace bia::config {
namespace {

using nlohmann::json;

constexpr uint16_t kDefaultPublicPort = 4433;
constexpr uint16_t kDefaultAdminPort = 4434;
// Kratos accepts any bcrypt cost from 4 in dev mode but never less than 12 otherwise.
constexpr uint32_t kMinProductionBcryptCost = 12;
// Argon2 needs at least 8 KiB of memory per lane.
constexpr uint64_t kArgon2MinBytesPerLane = 8 * 1024;

SameSite ParseSameSite(const std::string& s) {
    if (s == "Strict") return SameSite::kStrict;
    if (s == "None") return SameSite::kNone;
    return SameSite::kLax;
}

RequiredAal ParseAal(const std::string& s) { return s == "aal1" ? RequiredAal::kAal1 : RequiredAal::kHighestAvailable; }

bool IsWildcardHost(std::string_view host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

std::string BracketIfIpv6(const std::string& host) {
    return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

// Turns the checked values into a Config, adding defaults and the checks that involve more
// than one key.
class Builder {
  public:
    Builder(const ParsedValues& values, bool dev_mode, Warnings& warnings)
        : v_(values), dev_mode_(dev_mode), warnings_(warnings) {}

    core::Result<Config> Build() {
        Config c;
        c.dev_mode = dev_mode_;
        Str("version", c.version);
        BIA_TRY(BuildDsn(c));
        BuildDatabase(c.database);
        BIA_TRY(BuildIdentity(c.identity));
        BIA_TRY(BuildEndpoint("public", kDefaultPublicPort, c.serve.public_api));
        BIA_TRY(BuildEndpoint("admin", kDefaultAdminPort, c.serve.admin_api));
        BuildLog(c.log);
        BIA_TRY(BuildSecrets(c));
        BuildCookies(c);
        BIA_TRY(BuildHashers(c.hashers));
        BuildFlows(c.selfservice);
        if (c.selfservice.builtin_ui) UseBuiltinUi(c);
        BIA_TRY(BuildMethods(c));
        BIA_TRY(BuildCourierConfig(v_, c, warnings_));
        if (const auto* flags = v_.Get<json>("feature_flags")) c.feature_flags = *flags;
        return c;
    }

  private:
    // --- typed reads; the table guarantees each key's type ---------------------------------
    void Str(std::string_view path, std::string& out) const {
        if (const auto* p = v_.Get<std::string>(path)) out = *p;
    }
    void OptStr(std::string_view path, std::optional<std::string>& out) const {
        if (const auto* p = v_.Get<std::string>(path)) out = *p;
    }
    void Bool(std::string_view path, bool& out) const {
        if (const auto* p = v_.Get<bool>(path)) out = *p;
    }
    void Dur(std::string_view path, core::Duration& out) const {
        if (const auto* p = v_.Get<core::Duration>(path)) out = *p;
    }
    void U32(std::string_view path, uint32_t& out) const {
        if (const auto* p = v_.Get<int64_t>(path)) out = static_cast<uint32_t>(*p);
    }
    void Bytes(std::string_view path, uint64_t& out) const {
        if (const auto* p = v_.Get<ByteCount>(path)) out = p->bytes;
    }
    void Hooks(std::string_view path, std::vector<Hook>& out) const {
        if (const auto* p = v_.Get<std::vector<Hook>>(path)) out = *p;
    }
    void After(const std::string& prefix, const std::vector<std::string>& methods, AfterConfig& out) const {
        OptStr(prefix + ".default_browser_return_url", out.default_browser_return_url);
        Hooks(prefix + ".hooks", out.hooks);
        for (const auto& m : methods) {
            const std::string mp = prefix + "." + m;
            AfterMethodConfig method;
            bool present = false;
            if (const auto* url = v_.Get<std::string>(mp + ".default_browser_return_url")) {
                method.default_browser_return_url = *url;
                present = true;
            }
            if (const auto* hooks = v_.Get<std::vector<Hook>>(mp + ".hooks")) {
                method.hooks = *hooks;
                present = true;
            }
            if (present) out.methods.emplace(m, std::move(method));
        }
    }

    // --- sections ---------------------------------------------------------------------------
    core::Status BuildDsn(Config& c) const {
        const auto* dsn = v_.Get<std::string>("dsn");
        if (!dsn) return KeyError("dsn", "required key is missing");
        if (dsn->empty()) return KeyError("dsn", "must not be empty");
        c.dsn = *dsn;
        return core::Status::Ok();
    }

    void BuildDatabase(DatabaseConfig& db) const {
        if (const auto* n = v_.Get<int64_t>("database.cleanup.batch_size")) db.cleanup.batch_size = *n;
        Dur("database.cleanup.sleep.tables", db.cleanup.sleep_tables);
        Dur("database.cleanup.sleep.batches", db.cleanup.sleep_batches);
        Dur("database.cleanup.older_than", db.cleanup.older_than);
        Dur("database.cleanup.interval", db.cleanup.interval);
    }

    core::Status BuildIdentity(IdentityConfig& id) const {
        Str("identity.default_schema_id", id.default_schema_id);
        const auto* schemas = v_.Get<std::vector<IdentitySchema>>("identity.schemas");
        if (!schemas) return KeyError("identity.schemas", "required key is missing");
        if (schemas->empty()) return KeyError("identity.schemas", "must list at least one identity schema");
        std::set<std::string> seen;
        for (size_t i = 0; i < schemas->size(); ++i) {
            if (!seen.insert((*schemas)[i].id).second)
                return KeyError("identity.schemas[" + std::to_string(i) + "].id",
                                "duplicate schema id \"" + (*schemas)[i].id + "\"");
        }
        id.schemas = *schemas;
        if (!id.FindSchema(id.default_schema_id))
            return KeyError("identity.default_schema_id", "no schema with id \"" + id.default_schema_id +
                                                              "\" in identity.schemas" +
                                                              v_.OriginSuffix("identity.default_schema_id"));
        return core::Status::Ok();
    }

    core::Status BuildEndpoint(const std::string& iface, uint16_t default_port, ServeEndpoint& out) const {
        const std::string prefix = "serve." + iface;
        std::string host;
        Str(prefix + ".host", host);
        out.host = host.empty() ? "127.0.0.1" : host;
        out.port = default_port;
        if (const auto* port = v_.Get<int64_t>(prefix + ".port")) out.port = static_cast<uint16_t>(*port);
        if (const auto* base = v_.Get<std::string>(prefix + ".base_url")) {
            auto url = core::Url::Parse(*base);  // already checked to be an http(s) URL
            if (!url || url->has_query || !url->fragment.empty())
                return KeyError(prefix + ".base_url", "must not carry a query or fragment, got \"" + *base + "\"" +
                                                          v_.OriginSuffix(prefix + ".base_url"));
            out.base_url = *base;
            return core::Status::Ok();
        }
        // Kratos guesses from the OS host name; Bia guesses the loopback address it listens
        // on by default, which is right for local use and obviously wrong for anything else.
        const std::string url_host = IsWildcardHost(host) ? "127.0.0.1" : BracketIfIpv6(host);
        out.base_url =
            std::string(dev_mode_ ? "http" : "https") + "://" + url_host + ":" + std::to_string(out.port) + "/";
        out.base_url_guessed = true;
        warnings_.push_back(prefix + ".base_url is not set; assuming " + out.base_url);
        return core::Status::Ok();
    }

    void BuildLog(LogConfig& log) const {
        Str("log.level", log.level);
        Str("log.format", log.format);
        Bool("log.leak_sensitive_values", log.leak_sensitive_values);
    }

    core::Status BuildSecrets(Config& c) const {
        auto list = [&](std::string_view path, std::vector<std::string>& out) {
            if (const auto* p = v_.Get<std::vector<std::string>>(path)) out = *p;
        };
        list("secrets.default", c.secrets.default_secrets);
        list("secrets.cookie", c.secrets.cookie);
        list("secrets.cipher", c.secrets.cipher);
        Str("ciphers.algorithm", c.ciphers.algorithm);
        if (c.secrets.default_secrets.empty()) {
            c.secrets.must_generate_default = true;
            warnings_.push_back(
                "secrets.default is not set; a random secret must be generated at start-up, so "
                "sessions and signed cookies will not survive a restart");
        }
        if (c.ciphers.algorithm != "noop" && c.secrets.cipher.empty())
            return KeyError("secrets.cipher", "required when ciphers.algorithm is \"" + c.ciphers.algorithm + "\"");
        return core::Status::Ok();
    }

    void BuildCookies(Config& c) const {
        std::string domain;
        Str("cookies.domain", domain);
        if (!domain.empty()) c.cookies.domain = domain;
        Str("cookies.path", c.cookies.path);
        if (const auto* s = v_.Get<std::string>("cookies.same_site")) c.cookies.same_site = ParseSameSite(*s);

        SessionConfig& s = c.session;
        Dur("session.lifespan", s.lifespan);
        Str("session.cookie.name", s.cookie.name);
        Bool("session.cookie.persistent", s.cookie.persistent);
        OptStr("session.cookie.path", s.cookie.path);
        OptStr("session.cookie.domain", s.cookie.domain);
        if (const auto* ss = v_.Get<std::string>("session.cookie.same_site")) s.cookie.same_site = ParseSameSite(*ss);
        if (const auto* aal = v_.Get<std::string>("session.whoami.required_aal"))
            s.whoami_required_aal = ParseAal(*aal);
        if (const auto* d = v_.Get<core::Duration>("session.earliest_possible_extend")) s.earliest_possible_extend = *d;
    }

    core::Status BuildHashers(HashersConfig& h) const {
        if (const auto* a = v_.Get<std::string>("hashers.algorithm"))
            h.algorithm = *a == "argon2" ? HashAlgorithm::kArgon2 : HashAlgorithm::kBcrypt;
        U32("hashers.bcrypt.cost", h.bcrypt.cost);
        if (!dev_mode_ && h.bcrypt.cost < kMinProductionBcryptCost)
            return KeyError("hashers.bcrypt.cost", "must be at least " + std::to_string(kMinProductionBcryptCost) +
                                                       " outside dev mode, got " + std::to_string(h.bcrypt.cost) +
                                                       v_.OriginSuffix("hashers.bcrypt.cost"));

        Argon2Config& a = h.argon2;
        Bytes("hashers.argon2.memory", a.memory_bytes);
        U32("hashers.argon2.iterations", a.iterations);
        a.parallelism = std::max(1U, 2 * std::thread::hardware_concurrency());
        U32("hashers.argon2.parallelism", a.parallelism);
        U32("hashers.argon2.salt_length", a.salt_length);
        U32("hashers.argon2.key_length", a.key_length);
        Dur("hashers.argon2.expected_duration", a.expected_duration);
        Dur("hashers.argon2.expected_deviation", a.expected_deviation);
        Bytes("hashers.argon2.dedicated_memory", a.dedicated_memory_bytes);
        if (h.algorithm == HashAlgorithm::kArgon2) {
            // The argon2 library counts memory in KiB as a 32-bit number.
            if (a.memory_bytes / 1024 > std::numeric_limits<uint32_t>::max())
                return KeyError("hashers.argon2.memory", "must be below 4TB, got " + FormatByteSize(a.memory_bytes) +
                                                             v_.OriginSuffix("hashers.argon2.memory"));
            if (a.memory_bytes < kArgon2MinBytesPerLane * a.parallelism)
                return KeyError("hashers.argon2.memory",
                                "must be at least 8KB per unit of hashers.argon2.parallelism (" +
                                    std::to_string(a.parallelism) + "), got " + FormatByteSize(a.memory_bytes) +
                                    v_.OriginSuffix("hashers.argon2.memory"));
        }
        return core::Status::Ok();
    }

    // The built-in pages (PUBLIC/ui/<page>) for every UI and return URL the file leaves unset.
    void UseBuiltinUi(Config& c) const {
        const std::string ui = c.PublicBaseUrl() + "ui/";
        const std::string f = "selfservice.flows.";
        auto fill = [&](const std::string& key, std::string& out, const char* page) {
            if (v_.Get<std::string>(key) == nullptr) out = ui + page;
        };
        FlowsConfig& flows = c.selfservice.flows;
        fill(f + "login.ui_url", flows.login.ui_url, "login");
        fill(f + "registration.ui_url", flows.registration.ui_url, "registration");
        fill(f + "settings.ui_url", flows.settings.ui_url, "settings");
        fill(f + "error.ui_url", flows.error.ui_url, "error");
        fill(f + "verification.ui_url", flows.verification.ui_url, "verification");
        fill(f + "recovery.ui_url", flows.recovery.ui_url, "recovery");
        if (!c.selfservice.default_browser_return_url) {
            c.selfservice.default_browser_return_url = ui + "welcome";
            std::erase_if(warnings_, [](const std::string& w) {
                return w.rfind("selfservice.default_browser_return_url is not set", 0) == 0;
            });
        }
        if (!flows.logout.after_default_browser_return_url)
            flows.logout.after_default_browser_return_url = ui + "login";
    }

    void BuildFlows(SelfServiceConfig& ss) const {
        Bool("selfservice.builtin_ui.enabled", ss.builtin_ui);
        if (const auto* catalogs = v_.Get<std::vector<std::string>>("selfservice.builtin_ui.catalogs"))
            ss.builtin_ui_catalogs = *catalogs;
        OptStr("selfservice.default_browser_return_url", ss.default_browser_return_url);
        if (const auto* urls = v_.Get<std::vector<std::string>>("selfservice.allowed_return_urls"))
            ss.allowed_return_urls = *urls;
        if (!ss.default_browser_return_url)
            warnings_.push_back(
                "selfservice.default_browser_return_url is not set (Kratos requires it); browser flows "
                "that end without return_to cannot redirect");

        const std::string f = "selfservice.flows.";
        FlowsConfig& flows = ss.flows;
        Str(f + "settings.ui_url", flows.settings.ui_url);
        Dur(f + "settings.lifespan", flows.settings.lifespan);
        Dur(f + "settings.privileged_session_max_age", flows.settings.privileged_session_max_age);
        Bool(f + "settings.notify_previous_address", flows.settings.notify_previous_address);
        if (const auto* aal = v_.Get<std::string>(f + "settings.required_aal"))
            flows.settings.required_aal = ParseAal(*aal);
        Hooks(f + "settings.before.hooks", flows.settings.before_hooks);
        After(f + "settings.after", SettingsAfterMethods(), flows.settings.after);

        Str(f + "login.ui_url", flows.login.ui_url);
        Dur(f + "login.lifespan", flows.login.lifespan);
        Hooks(f + "login.before.hooks", flows.login.before_hooks);
        After(f + "login.after", LoginAfterMethods(), flows.login.after);

        Bool(f + "registration.enabled", flows.registration.enabled);
        Str(f + "registration.ui_url", flows.registration.ui_url);
        Dur(f + "registration.lifespan", flows.registration.lifespan);
        Hooks(f + "registration.before.hooks", flows.registration.before_hooks);
        After(f + "registration.after", RegistrationAfterMethods(), flows.registration.after);

        for (auto [name, flow] : {std::pair<std::string, AddressFlowConfig*>{"verification", &flows.verification},
                                  std::pair<std::string, AddressFlowConfig*>{"recovery", &flows.recovery}}) {
            const std::string p = f + name;
            Bool(p + ".enabled", flow->enabled);
            Str(p + ".ui_url", flow->ui_url);
            Dur(p + ".lifespan", flow->lifespan);
            Str(p + ".use", flow->use);
            Bool(p + ".notify_unknown_recipients", flow->notify_unknown_recipients);
            Hooks(p + ".before.hooks", flow->before_hooks);
            After(p + ".after", {}, flow->after);
        }

        Str(f + "error.ui_url", flows.error.ui_url);
        OptStr(f + "logout.after.default_browser_return_url", flows.logout.after_default_browser_return_url);
    }

    core::Status BuildMethods(Config& c) const {
        const std::string m = "selfservice.methods.";
        MethodsConfig& methods = c.selfservice.methods;

        PasswordMethodConfig& pw = methods.password;
        Bool(m + "password.enabled", pw.enabled);
        U32(m + "password.config.min_password_length", pw.min_password_length);
        Bool(m + "password.config.identifier_similarity_check_enabled", pw.identifier_similarity_check_enabled);
        Bool(m + "password.config.haveibeenpwned_enabled", pw.haveibeenpwned_enabled);
        Str(m + "password.config.haveibeenpwned_host", pw.haveibeenpwned_host);
        U32(m + "password.config.max_breaches", pw.max_breaches);
        Bool(m + "password.config.ignore_network_errors", pw.ignore_network_errors);

        Bool(m + "profile.enabled", methods.profile.enabled);

        Bool(m + "totp.enabled", methods.totp.enabled);
        Str(m + "totp.config.issuer", methods.totp.issuer);
        const auto public_url = core::Url::Parse(c.serve.public_api.base_url);
        if (methods.totp.issuer.empty() && public_url) methods.totp.issuer = public_url->Hostname();

        Bool(m + "lookup_secret.enabled", methods.lookup_secret.enabled);

        BIA_TRY(BuildWebAuthn(public_url ? public_url->scheme : std::string("https"), methods.webauthn));

        OidcMethodConfig& oidc = methods.oidc;
        Bool(m + "oidc.enabled", oidc.enabled);
        OptStr(m + "oidc.config.base_redirect_uri", oidc.base_redirect_uri);
        if (const auto* providers = v_.Get<json>(m + "oidc.config.providers")) {
            for (size_t i = 0; i < providers->size(); ++i) {
                const json& p = (*providers)[i];
                const std::string item = m + "oidc.config.providers[" + std::to_string(i) + "]";
                if (!p.is_object())
                    return KeyError(item, "expected a map" + v_.OriginSuffix(m + "oidc.config.providers"));
                for (const char* key : {"id", "provider"}) {
                    auto it = p.find(key);
                    if (it == p.end() || !it->is_string() || it->get<std::string>().empty())
                        return KeyError(item + "." + key,
                                        "required key is missing" + v_.OriginSuffix(m + "oidc.config.providers"));
                }
            }
            oidc.providers = *providers;
        }

        Bool(m + "link.enabled", methods.link.enabled);
        Dur(m + "link.config.lifespan", methods.link.lifespan);
        OptStr(m + "link.config.base_url", methods.link.base_url);

        CodeMethodConfig& code = methods.code;
        Bool(m + "code.enabled", code.enabled);
        Bool(m + "code.passwordless_enabled", code.passwordless_enabled);
        Bool(m + "code.mfa_enabled", code.mfa_enabled);
        Dur(m + "code.config.lifespan", code.lifespan);
        U32(m + "code.config.max_submissions", code.max_submissions);
        return core::Status::Ok();
    }

    core::Status BuildWebAuthn(const std::string& public_scheme, WebAuthnMethodConfig& w) const {
        const std::string p = "selfservice.methods.webauthn.";
        Bool(p + "enabled", w.enabled);
        Bool(p + "config.passwordless", w.passwordless);
        Str(p + "config.rp.id", w.rp_id);
        Str(p + "config.rp.display_name", w.rp_display_name);
        OptStr(p + "config.rp.icon", w.rp_icon);
        std::optional<std::string> origin;
        OptStr(p + "config.rp.origin", origin);
        const auto* origins = v_.Get<std::vector<std::string>>(p + "config.rp.origins");
        if (origin && origins)
            return KeyError(p + "config.rp.origins", "cannot be combined with " + p + "config.rp.origin");
        if (w.enabled) {
            for (const auto& [key, value] :
                 {std::pair<std::string, const std::string*>{"id", &w.rp_id},
                  std::pair<std::string, const std::string*>{"display_name", &w.rp_display_name}}) {
                if (value->empty()) return KeyError(p + "config.rp." + key, "required when " + p + "enabled is true");
            }
        }
        if (origins)
            w.rp_origins = *origins;
        else if (origin)
            w.rp_origins = {*origin};
        else if (!w.rp_id.empty())
            w.rp_origins = {public_scheme + "://" + w.rp_id};
        return core::Status::Ok();
    }

    const ParsedValues& v_;
    bool dev_mode_;
    Warnings& warnings_;
};

core::Result<Config> LoadFromTrees(const std::vector<json>& trees, const Environment& env, bool dev_mode,
                                   Warnings* warnings) {
    json merged = json::object();
    for (const json& tree : trees) MergeTree(merged, tree);
    EnvOrigins origins;
    BIA_TRY(ApplyEnvironment(merged, env, origins));
    Warnings local;
    Warnings& w = warnings ? *warnings : local;
    BIA_TRY_ASSIGN(ParsedValues values, ParsedValues::FromTree(merged, origins, w));
    BIA_TRY_ASSIGN(Config config, Builder(values, dev_mode, w).Build());
    // A key the table accepts but the builder never reads would otherwise be dropped silently.
    for (const std::string& path : values.UnreadPaths())
        w.push_back("key " + path + " is not implemented by Bia and is ignored");
    return config;
}

}  // namespace

Environment FromProcessEnvironment() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        const size_t eq = entry.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return env;
}

std::string_view ToString(SameSite s) {
    switch (s) {
        case SameSite::kStrict:
            return "Strict";
        case SameSite::kNone:
            return "None";
        case SameSite::kLax:
            break;
    }
    return "Lax";
}

std::string_view ToString(RequiredAal a) { return a == RequiredAal::kAal1 ? "aal1" : "highest_available"; }

std::string_view ToString(HashAlgorithm a) { return a == HashAlgorithm::kArgon2 ? "argon2" : "bcrypt"; }

std::string ServeEndpoint::NormalizedBaseUrl() const {
    // base_url never carries a query or fragment (checked at load), so the path is its tail.
    if (!base_url.empty() && base_url.back() == '/') return base_url;
    return base_url + "/";
}

std::string ServeEndpoint::ListenAddress() const { return BracketIfIpv6(host) + ":" + std::to_string(port); }

const IdentitySchema* IdentityConfig::FindSchema(std::string_view id) const {
    auto it = std::find_if(schemas.begin(), schemas.end(), [&](const IdentitySchema& s) { return s.id == id; });
    return it == schemas.end() ? nullptr : &*it;
}

const IdentitySchema& IdentityConfig::DefaultSchema() const {
    static const IdentitySchema kNone;
    const IdentitySchema* s = FindSchema(default_schema_id);
    return s ? *s : kNone;
}

std::optional<std::string> AfterConfig::ReturnUrlFor(std::string_view method) const {
    if (auto it = methods.find(method); it != methods.end() && it->second.default_browser_return_url)
        return it->second.default_browser_return_url;
    return default_browser_return_url;
}

const std::vector<Hook>& AfterConfig::HooksFor(std::string_view method) const {
    if (auto it = methods.find(method); it != methods.end() && !it->second.hooks.empty()) return it->second.hooks;
    return hooks;
}

bool MethodsConfig::IsEnabled(std::string_view method) const {
    if (method == kMethodPassword) return password.enabled;
    if (method == kMethodProfile) return profile.enabled;
    if (method == kMethodTotp) return totp.enabled;
    if (method == kMethodLookupSecret) return lookup_secret.enabled;
    if (method == kMethodWebAuthn) return webauthn.enabled;
    if (method == kMethodOidc) return oidc.enabled;
    if (method == kMethodLink) return link.enabled;
    if (method == kMethodCode) return code.enabled;
    return false;
}

std::optional<std::string> Config::SettingsReturnUrlFor(std::string_view method) const {
    return selfservice.flows.settings.after.ReturnUrlFor(method);
}

std::optional<std::string> Config::LoginReturnUrlFor(std::string_view method) const {
    if (auto url = selfservice.flows.login.after.ReturnUrlFor(method)) return url;
    return selfservice.default_browser_return_url;
}

std::optional<std::string> Config::RegistrationReturnUrlFor(std::string_view method) const {
    if (auto url = selfservice.flows.registration.after.ReturnUrlFor(method)) return url;
    return selfservice.default_browser_return_url;
}

std::optional<std::string> Config::LogoutReturnUrl() const {
    if (selfservice.flows.logout.after_default_browser_return_url)
        return selfservice.flows.logout.after_default_browser_return_url;
    return selfservice.default_browser_return_url;
}

CookieAttributes Config::SessionCookie() const {
    const SessionCookieConfig& sc = session.cookie;
    CookieAttributes a;
    a.name = sc.name;
    a.path = sc.path && !sc.path->empty() ? *sc.path : (cookies.path.empty() ? "/" : cookies.path);
    // Like Kratos, an explicitly empty session.cookie.domain means "no Domain attribute" and
    // does not fall back to cookies.domain.
    if (sc.domain) {
        if (!sc.domain->empty()) a.domain = *sc.domain;
    } else {
        a.domain = cookies.domain;
    }
    a.same_site = sc.same_site.value_or(cookies.same_site);
    a.secure = !dev_mode;
    a.persistent = sc.persistent;
    return a;
}

CookieAttributes Config::CsrfCookie() const {
    CookieAttributes a;
    a.name = std::string(kCsrfCookiePrefix) + core::HexEncode(core::Sha256(serve.public_api.base_url));
    a.path = cookies.path.empty() ? "/" : cookies.path;
    a.domain = cookies.domain;
    a.secure = !dev_mode;
    // Browsers drop SameSite=None cookies that are not Secure, so dev mode falls back to Lax.
    a.same_site = a.secure ? cookies.same_site : SameSite::kLax;
    return a;
}

const std::vector<std::string>& Config::CookieSecrets() const {
    return secrets.cookie.empty() ? secrets.default_secrets : secrets.cookie;
}

const std::vector<std::string>& Config::CipherSecrets() const {
    return secrets.cipher.empty() ? secrets.default_secrets : secrets.cipher;
}

bool Config::FeatureFlag(std::string_view name) const {
    if (!feature_flags.is_object()) return false;
    auto it = feature_flags.find(std::string(name));
    return it != feature_flags.end() && it->is_boolean() && it->get<bool>();
}

core::Result<Config> LoadConfig(const std::vector<std::string>& files, const Environment& env, bool dev_mode,
                                Warnings* warnings) {
    std::vector<json> trees;
    for (const std::string& file : files) {
        BIA_TRY_ASSIGN(json tree, ReadYamlFile(file));
        trees.push_back(std::move(tree));
    }
    return LoadFromTrees(trees, env, dev_mode, warnings);
}

core::Result<Config> LoadConfigFromYaml(const std::vector<YamlSource>& sources, const Environment& env, bool dev_mode,
                                        Warnings* warnings) {
    std::vector<json> trees;
    for (const YamlSource& source : sources) {
        BIA_TRY_ASSIGN(json tree, ParseYaml(source.text, source.name));
        trees.push_back(std::move(tree));
    }
    return LoadFromTrees(trees, env, dev_mode, warnings);
}

}  // namespace bia::config
