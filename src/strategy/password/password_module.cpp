#include "strategy/password/password_module.hpp"

#include "identity/identity.hpp"
#include "session/session.hpp"
#include "strategy/password/password_hashing.hpp"
#include "strategy/password/password_login.hpp"
#include "strategy/password/password_nodes.hpp"
#include "strategy/password/password_registration.hpp"
#include "strategy/password/password_settings.hpp"

namespace bia::strategy::password {

namespace {

class PasswordModule final : public MethodModule {
  public:
    explicit PasswordModule(const MethodDeps& d)
        : hashing_(d.hash_pool, d.verifier, d.hasher),
          login_(d.config, d.identities, d.schemas, hashing_, d.random),
          registration_(d.config, d.identities, d.password_policy, hashing_, d.clock, d.random),
          settings_(d.config, d.identities, d.password_policy, hashing_, d.random) {}

    const MethodInfo& Info() const override {
        static constexpr MethodInfo kInfo{kMethod, identity::kCredentialPassword, session::kAal1};
        return kInfo;
    }
    session::FactorCount Factors(const identity::Credential& c) const override {
        // A first factor once it names an identifier and holds a hash.
        auto hash = c.config.find("hashed_password");
        const bool usable = !c.identifiers.empty() && hash != c.config.end() && hash->is_string() &&
                            !hash->get_ref<const std::string&>().empty();
        return {usable ? 1 : 0, 0};
    }
    selfservice::login::LoginStrategy* Login() override { return &login_; }
    selfservice::registration::RegistrationStrategy* Registration() override { return &registration_; }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

  private:
    PooledPasswordHashing hashing_;
    PasswordLogin login_;
    PasswordRegistration registration_;
    PasswordSettings settings_;
};

}  // namespace

std::unique_ptr<MethodModule> MakePasswordModule(const MethodDeps& deps) {
    return std::make_unique<PasswordModule>(deps);
}

}  // namespace bia::strategy::password
