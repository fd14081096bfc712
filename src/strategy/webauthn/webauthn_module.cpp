#include "strategy/webauthn/webauthn_module.hpp"

#include "identity/identity.hpp"
#include "session/session.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"
#include "strategy/webauthn/webauthn_login.hpp"
#include "strategy/webauthn/webauthn_nodes.hpp"
#include "strategy/webauthn/webauthn_script.hpp"
#include "strategy/webauthn/webauthn_settings.hpp"

namespace bia::strategy::webauthn {

namespace {

class WebAuthnModule final : public MethodModule {
  public:
    explicit WebAuthnModule(const MethodDeps& d)
        : login_(d.config, d.identities.repository(), d.clock, d.random),
          settings_(d.config, d.aal_rules, d.clock, d.random) {
        assets_[0] = MethodAsset{kScriptPath, kScriptContentType, Script()};
    }

    const MethodInfo& Info() const override {
        static constexpr MethodInfo kInfo{kMethod, identity::kCredentialWebauthn, session::kAal2};
        return kInfo;
    }
    std::span<const MethodAsset> Assets() const override { return assets_; }
    session::FactorCount Factors(const identity::Credential& c) const override { return webauthn::Factors(c); }
    selfservice::login::LoginStrategy* Login() override { return &login_; }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

  private:
    WebAuthnLogin login_;
    WebAuthnSettings settings_;
    std::array<MethodAsset, 1> assets_{};
};

}  // namespace

session::FactorCount Factors(const identity::Credential& c) {
    // Passwordless keys are first factors, the others second factors.
    session::FactorCount n;
    for (const StoredKey& k : KeysOfCredential(c).keys) ++(k.is_passwordless ? n.first : n.second);
    return n;
}

std::unique_ptr<MethodModule> MakeWebAuthnModule(const MethodDeps& deps) {
    return std::make_unique<WebAuthnModule>(deps);
}

}  // namespace bia::strategy::webauthn
