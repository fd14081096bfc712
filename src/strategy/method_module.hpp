// A method module: everything one authentication method brings, in one folder
// (src/strategy/<method>/). It declares its id, the credential type it stores and the AAL it
// proves, and builds the strategies it takes part in — login, registration, settings, verification,
// recovery — from the
// shared services in MethodDeps. app::Wiring keeps one ordered list of module factories; each
// flow's strategy order is that list's order (Kratos's: settings-flow.md §5.2), so adding a
// method is a new folder plus one line there. A module also declares how its credentials count
// towards the available AAL (Factors, collected into session::AalRules), the order of its nodes in
// each flow's form (the strategies' NodeOrder) and any fixed files it serves (Assets). Config keys stay
// Kratos's full set (config/key_schema.cpp): a valid kratos.yml names methods Bia may not build.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "courier/mailer.hpp"
#include "crypto/hash_pool.hpp"
#include "crypto/password_hasher.hpp"
#include "crypto/password_policy.hpp"
#include "crypto/password_verifier.hpp"
#include "crypto/token_cipher.hpp"
#include "identity/identity_service.hpp"
#include "net/http_client.hpp"
#include "schema/schema.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "selfservice/login/login_strategy.hpp"
#include "selfservice/recovery/recovery_strategy.hpp"
#include "selfservice/registration/registration_strategy.hpp"
#include "selfservice/settings/settings_strategy.hpp"
#include "selfservice/verification/verification_strategy.hpp"
#include "session/aal.hpp"

namespace bia::strategy {

struct MethodInfo {
    std::string_view id;               // the `method` of submissions, its UI group and config key
    std::string_view credential_type;  // the identity credential it stores ("" when none)
    std::string_view aal;              // what a login with it proves ("" when it cannot log in)
};

// The shared services a module builds its strategies from (all outlive the module).
struct MethodDeps {
    const config::Config& config;
    identity::IdentityService& identities;
    const schema::SchemaRegistry& schemas;
    crypto::HashPool& hash_pool;
    const crypto::PasswordVerifier& verifier;
    const crypto::PasswordHasher& hasher;
    crypto::PasswordPolicy& password_policy;
    const core::Clock& clock;
    core::Random& random;
    // Every module's factor rules (filled once all modules are built; read at request time).
    const session::AalRules& aal_rules;
    // What the verification and recovery methods (code, link) send and check secrets with; a
    // module that needs them and finds them unset builds no such strategy.
    selfservice::OneTimeSecretRepository* secrets = nullptr;
    courier::Mailer* mailer = nullptr;
    // Outbound HTTP (identity providers) and the cipher for secrets kept at rest (OIDC tokens);
    // unset in unit tests (the module then uses net::DefaultHttpClient() / no encryption).
    net::HttpClient* http = nullptr;
    const crypto::TokenCipher* token_cipher = nullptr;
};

// A fixed file a method serves on the public port, e.g. webauthn's browser script at
// /.well-known/ory/webauthn.js. The bytes live as long as the program.
struct MethodAsset {
    std::string_view path;
    std::string_view content_type;
    std::string_view body;
};

class MethodModule {
  public:
    virtual ~MethodModule() = default;
    virtual const MethodInfo& Info() const = 0;
    // What one stored credential of this method's type counts for towards the identity's
    // available AAL (settings-flow.md §11); nothing by default.
    virtual session::FactorCount Factors(const identity::Credential&) const { return {}; }
    // Whether the method's configuration is usable (the server refuses to start otherwise).
    virtual core::Status Ready() const { return {}; }
    // The files the method serves (none by default).
    virtual std::span<const MethodAsset> Assets() const { return {}; }
    // The strategy for each flow the method takes part in; nullptr where it does not.
    virtual selfservice::login::LoginStrategy* Login() { return nullptr; }
    virtual selfservice::registration::RegistrationStrategy* Registration() { return nullptr; }
    virtual selfservice::settings::SettingsStrategy* Settings() { return nullptr; }
    virtual selfservice::verification::VerificationStrategy* Verification() { return nullptr; }
    virtual selfservice::recovery::RecoveryStrategy* Recovery() { return nullptr; }
};

using MethodFactory = std::unique_ptr<MethodModule> (*)(const MethodDeps& deps);

// The built modules, and each flow's strategies in module order.
class MethodModules {
  public:
    explicit MethodModules(std::vector<std::unique_ptr<MethodModule>> modules) : modules_(std::move(modules)) {}
    // Builds each factory's module, in order.
    MethodModules(std::span<const MethodFactory> factories, const MethodDeps& deps) {
        for (MethodFactory make : factories) modules_.push_back(make(deps));
    }
    std::vector<selfservice::login::LoginStrategy*> LoginStrategies() const {
        return Collect<selfservice::login::LoginStrategy>(&MethodModule::Login);
    }
    std::vector<selfservice::registration::RegistrationStrategy*> RegistrationStrategies() const {
        return Collect<selfservice::registration::RegistrationStrategy>(&MethodModule::Registration);
    }
    std::vector<selfservice::settings::SettingsStrategy*> SettingsStrategies() const {
        return Collect<selfservice::settings::SettingsStrategy>(&MethodModule::Settings);
    }
    std::vector<selfservice::verification::VerificationStrategy*> VerificationStrategies() const {
        return Collect<selfservice::verification::VerificationStrategy>(&MethodModule::Verification);
    }
    std::vector<selfservice::recovery::RecoveryStrategy*> RecoveryStrategies() const {
        return Collect<selfservice::recovery::RecoveryStrategy>(&MethodModule::Recovery);
    }
    // The credential types the modules store, in module order.
    std::vector<std::string> CredentialTypes() const {
        std::vector<std::string> out;
        for (const auto& m : modules_) {
            if (!m->Info().credential_type.empty()) out.emplace_back(m->Info().credential_type);
        }
        return out;
    }
    // Each module's factor rule for its credential type.
    void AddAalRules(session::AalRules& rules) const {
        for (const auto& m : modules_) {
            if (m->Info().credential_type.empty()) continue;
            const MethodModule* module = m.get();
            rules.Add(std::string(module->Info().credential_type),
                      [module](const identity::Credential& c) { return module->Factors(c); });
        }
    }
    // Every module's files, in module order.
    std::vector<MethodAsset> Assets() const {
        std::vector<MethodAsset> out;
        for (const auto& m : modules_) {
            for (const MethodAsset& a : m->Assets()) out.push_back(a);
        }
        return out;
    }
    const std::vector<std::unique_ptr<MethodModule>>& modules() const { return modules_; }
    // The first module whose configuration is unusable, as its error.
    core::Status Ready() const {
        for (const auto& m : modules_) BIA_TRY(m->Ready());
        return {};
    }

  private:
    template <class Strategy>
    std::vector<Strategy*> Collect(Strategy* (MethodModule::*get)()) const {
        std::vector<Strategy*> out;
        for (const auto& m : modules_) {
            if (Strategy* s = ((*m).*get)()) out.push_back(s);
        }
        return out;
    }
    std::vector<std::unique_ptr<MethodModule>> modules_;
};

}  // namespace bia::strategy
