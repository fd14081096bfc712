#include "config/key_schema.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace bia::config {
namespace {

constexpr int64_t kMaxUint32 = std::numeric_limits<uint32_t>::max();

class TableBuilder {
  public:
    KeySpec& Add(std::string path, Kind kind) {
        KeySpec spec;
        spec.env = EnvNameFor(path);
        spec.path = std::move(path);
        spec.kind = kind;
        keys_.push_back(std::move(spec));
        return keys_.back();
    }
    void Enum(std::string path, std::vector<std::string> choices) {
        Add(std::move(path), Kind::kEnum).choices = std::move(choices);
    }
    void Int(std::string path, int64_t min, int64_t max) {
        KeySpec& k = Add(std::move(path), Kind::kInt);
        k.min = min;
        k.max = max;
    }
    void Url(std::string path, std::vector<std::string> schemes = {}) {
        Add(std::move(path), Kind::kUrl).schemes = std::move(schemes);
    }
    void Secrets(std::string path, size_t min_length, size_t max_length) {
        KeySpec& k = Add(std::move(path), Kind::kStringList);
        k.min_length = min_length;
        k.max_length = max_length;
    }
    // `<prefix>.default_browser_return_url` and `<prefix>.hooks`.
    void ReturnUrlAndHooks(const std::string& prefix) {
        Add(prefix + ".default_browser_return_url", Kind::kUrlRef);
        Add(prefix + ".hooks", Kind::kHooks);
    }
    std::vector<KeySpec> Take() { return std::move(keys_); }

  private:
    std::vector<KeySpec> keys_;
};

std::vector<KeySpec> BuildTable() {
    TableBuilder t;
    t.Add("version", Kind::kString);
    t.Add("dsn", Kind::kString);
    // Kratos's cleanup keys, and Bia's sleep.batches and interval (`bia cleanup sql`, serve's
    // background cleanup). A batch is one transaction: the cap keeps each one short.
    t.Int("database.cleanup.batch_size", 1, 10000);
    t.Add("database.cleanup.sleep.tables", Kind::kDuration);
    t.Add("database.cleanup.sleep.batches", Kind::kDuration);
    t.Add("database.cleanup.older_than", Kind::kDuration);
    t.Add("database.cleanup.interval", Kind::kDuration);

    for (const std::string iface : {"public", "admin"}) {
        const std::string p = "serve." + iface;
        t.Url(p + ".base_url", {"http", "https"});
        t.Add(p + ".host", Kind::kString);
        t.Int(p + ".port", 1, 65535);
    }

    t.Enum("log.level", {"trace", "debug", "info", "warning", "error", "fatal", "panic"});
    t.Enum("log.format", {"json", "text"});
    t.Add("log.leak_sensitive_values", Kind::kBool);

    t.Secrets("secrets.default", 16, std::numeric_limits<size_t>::max());
    t.Secrets("secrets.cookie", 16, std::numeric_limits<size_t>::max());
    t.Secrets("secrets.cipher", 32, 32);
    t.Enum("ciphers.algorithm", {"noop", "aes", "xchacha20-poly1305"});

    t.Add("cookies.domain", Kind::kString);
    t.Add("cookies.path", Kind::kString);
    t.Enum("cookies.same_site", {"Strict", "Lax", "None"});

    t.Add("session.lifespan", Kind::kDuration);
    t.Add("session.cookie.name", Kind::kString);
    t.Add("session.cookie.persistent", Kind::kBool);
    t.Add("session.cookie.path", Kind::kString);
    t.Add("session.cookie.domain", Kind::kString);
    t.Enum("session.cookie.same_site", {"Strict", "Lax", "None"});
    t.Enum("session.whoami.required_aal", {"aal1", "highest_available"});
    t.Add("session.earliest_possible_extend", Kind::kDuration);

    t.Add("identity.default_schema_id", Kind::kString);
    t.Add("identity.schemas", Kind::kIdentitySchemas);

    t.Enum("hashers.algorithm", {"argon2", "bcrypt"});
    t.Int("hashers.bcrypt.cost", 4, 31);
    t.Add("hashers.argon2.memory", Kind::kByteSize);
    t.Int("hashers.argon2.iterations", 1, kMaxUint32);
    t.Int("hashers.argon2.parallelism", 1, 0xFFFFFF);  // argon2 allows at most 2^24-1 lanes
    t.Int("hashers.argon2.salt_length", 16, 1024);
    t.Int("hashers.argon2.key_length", 16, 1024);
    t.Add("hashers.argon2.expected_duration", Kind::kDuration);
    t.Add("hashers.argon2.expected_deviation", Kind::kDuration);
    t.Add("hashers.argon2.dedicated_memory", Kind::kByteSize);

    // Bia's key: its own account pages (docs/builtin-ui.md).
    t.Add("selfservice.builtin_ui.enabled", Kind::kBool);
    t.Add("selfservice.builtin_ui.catalogs", Kind::kUrlRefList);
    t.Add("selfservice.default_browser_return_url", Kind::kUrlRef);
    t.Add("selfservice.allowed_return_urls", Kind::kUrlRefList);

    const std::string f = "selfservice.flows.";
    t.Add(f + "settings.ui_url", Kind::kUrlRef);
    t.Add(f + "settings.lifespan", Kind::kDuration);
    t.Add(f + "settings.privileged_session_max_age", Kind::kDuration);
    t.Add(f + "settings.notify_previous_address", Kind::kBool);  // Bia: the undo notice (B4)
    t.Enum(f + "settings.required_aal", {"aal1", "highest_available"});
    t.Add(f + "settings.before.hooks", Kind::kHooks);
    t.ReturnUrlAndHooks(f + "settings.after");
    for (const auto& m : SettingsAfterMethods()) t.ReturnUrlAndHooks(f + "settings.after." + m);

    t.Add(f + "login.ui_url", Kind::kUrlRef);
    t.Add(f + "login.lifespan", Kind::kDuration);
    t.Add(f + "login.before.hooks", Kind::kHooks);
    t.ReturnUrlAndHooks(f + "login.after");
    for (const auto& m : LoginAfterMethods()) t.ReturnUrlAndHooks(f + "login.after." + m);

    t.Add(f + "registration.enabled", Kind::kBool);
    t.Add(f + "registration.ui_url", Kind::kUrlRef);
    t.Add(f + "registration.lifespan", Kind::kDuration);
    t.Add(f + "registration.before.hooks", Kind::kHooks);
    t.ReturnUrlAndHooks(f + "registration.after");
    for (const auto& m : RegistrationAfterMethods()) t.ReturnUrlAndHooks(f + "registration.after." + m);

    for (const std::string flow : {"verification", "recovery"}) {
        t.Add(f + flow + ".enabled", Kind::kBool);
        t.Add(f + flow + ".ui_url", Kind::kUrlRef);
        t.Add(f + flow + ".lifespan", Kind::kDuration);
        t.Enum(f + flow + ".use", {"link", "code"});
        t.Add(f + flow + ".notify_unknown_recipients", Kind::kBool);
        t.Add(f + flow + ".before.hooks", Kind::kHooks);
        t.ReturnUrlAndHooks(f + flow + ".after");
    }

    t.Add(f + "error.ui_url", Kind::kUrlRef);
    t.Add(f + "logout.after.default_browser_return_url", Kind::kUrlRef);

    const std::string m = "selfservice.methods.";
    for (std::string_view method : {kMethodPassword, kMethodProfile, kMethodTotp, kMethodLookupSecret, kMethodWebAuthn,
                                    kMethodOidc, kMethodLink, kMethodCode})
        t.Add(m + std::string(method) + ".enabled", Kind::kBool);
    t.Add(m + "password.config.haveibeenpwned_host", Kind::kString);
    t.Add(m + "password.config.haveibeenpwned_enabled", Kind::kBool);
    t.Int(m + "password.config.max_breaches", 0, std::numeric_limits<int32_t>::max());
    t.Add(m + "password.config.ignore_network_errors", Kind::kBool);
    t.Int(m + "password.config.min_password_length", 6, 4096);
    t.Add(m + "password.config.identifier_similarity_check_enabled", Kind::kBool);
    t.Add(m + "totp.config.issuer", Kind::kString);
    t.Add(m + "webauthn.config.passwordless", Kind::kBool);
    t.Add(m + "webauthn.config.rp.id", Kind::kString);
    t.Add(m + "webauthn.config.rp.display_name", Kind::kString);
    t.Url(m + "webauthn.config.rp.origin");
    t.Add(m + "webauthn.config.rp.origins", Kind::kUrlList);
    t.Url(m + "webauthn.config.rp.icon");
    t.Url(m + "oidc.config.base_redirect_uri");
    t.Add(m + "oidc.config.providers", Kind::kJsonArray);
    t.Add(m + "link.config.lifespan", Kind::kDuration);
    t.Url(m + "link.config.base_url");
    t.Add(m + "code.passwordless_enabled", Kind::kBool);
    t.Add(m + "code.mfa_enabled", Kind::kBool);
    t.Add(m + "code.config.lifespan", Kind::kDuration);
    t.Int(m + "code.config.max_submissions", 1, std::numeric_limits<int32_t>::max());

    t.Url("courier.smtp.connection_uri", {"smtp", "smtps"});
    t.Add("courier.smtp.from_address", Kind::kEmail);
    t.Add("courier.smtp.from_name", Kind::kString);
    t.Add("courier.smtp.headers", Kind::kStringMap);
    t.Add("courier.smtp.local_name", Kind::kString);
    t.Add("courier.template_override_path", Kind::kString);
    for (const auto& key : CourierTemplateKeys()) t.Add("courier.templates." + key, Kind::kString);
    t.Int("courier.message_retries", 1, 1000);
    t.Int("courier.worker.pull_count", 1, 1000);
    t.Add("courier.worker.pull_wait", Kind::kDuration);
    // Kratos's two strategies; Bia builds smtp only, and says so when http is asked for.
    t.Enum("courier.delivery_strategy", {"smtp", "http"});

    t.Add("feature_flags", Kind::kJsonObject);
    return t.Take();
}

struct Index {
    std::vector<KeySpec> keys;
    std::map<std::string, size_t, std::less<>> by_path;
    std::set<std::string, std::less<>> sections;
};

const Index& TheIndex() {
    static const Index index = [] {
        Index idx;
        idx.keys = BuildTable();
        for (size_t i = 0; i < idx.keys.size(); ++i) {
            const std::string& path = idx.keys[i].path;
            idx.by_path.emplace(path, i);
            for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
                idx.sections.insert(path.substr(0, dot));
        }
        return idx;
    }();
    return index;
}

}  // namespace

const std::vector<std::string>& CourierTemplateKeys() {
    static const std::vector<std::string> kKeys = [] {
        std::vector<std::string> keys;
        for (const char* name : {"recovery", "recovery_code", "verification", "verification_code"})
            for (const char* state : {"valid", "invalid"})
                for (const char* part : {"subject", "body.plaintext", "body.html"})
                    keys.push_back(std::string(name) + "." + state + ".email." + part);
        return keys;
    }();
    return kKeys;
}

const std::vector<std::string>& SettingsAfterMethods() {
    static const std::vector<std::string> kMethods{"password", "profile", "totp", "lookup_secret", "webauthn", "oidc"};
    return kMethods;
}

const std::vector<std::string>& LoginAfterMethods() {
    static const std::vector<std::string> kMethods{"password", "totp", "lookup_secret", "webauthn", "oidc", "code"};
    return kMethods;
}

const std::vector<std::string>& RegistrationAfterMethods() {
    static const std::vector<std::string> kMethods{"password", "webauthn", "oidc", "code"};
    return kMethods;
}

const std::vector<KeySpec>& KnownKeys() { return TheIndex().keys; }

const KeySpec* FindKey(std::string_view path) {
    const Index& idx = TheIndex();
    auto it = idx.by_path.find(path);
    return it == idx.by_path.end() ? nullptr : &idx.keys[it->second];
}

bool IsKnownSection(std::string_view path) {
    const Index& idx = TheIndex();
    return idx.sections.find(path) != idx.sections.end();
}

std::string EnvNameFor(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (char c : path) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace bia::config
