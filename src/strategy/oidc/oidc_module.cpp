#include "strategy/oidc/oidc_module.hpp"

#include "identity/identity.hpp"
#include "session/session.hpp"

namespace bia::strategy::oidc {

namespace {

// Without a configured cipher (unit tests), tokens are kept as they are (`noop`).
const crypto::TokenCipher& CipherOf(const MethodDeps& d) {
    if (d.token_cipher) return *d.token_cipher;
    static const std::unique_ptr<crypto::TokenCipher> kNoop = crypto::MakeTokenCipher("noop", {}).value();
    return *kNoop;
}

}  // namespace

OidcModule::OidcModule(const MethodDeps& d)
    : OidcModule(d.config, d.identities, d.aal_rules, d.http ? *d.http : net::DefaultHttpClient(), CipherOf(d), d.clock,
                 d.random) {}

OidcModule::OidcModule(const config::Config& config, identity::IdentityService& identities,
                       const session::AalRules& aal_rules, net::HttpClient& http, const crypto::TokenCipher& cipher,
                       const core::Clock& clock, core::Random& random)
    : method_(config, http, cipher, clock, random),
      login_(method_, identities),
      registration_(method_, identities, clock, random),
      settings_(method_, identities, aal_rules) {}

const MethodInfo& OidcModule::Info() const {
    static constexpr MethodInfo kInfo{kMethod, identity::kCredentialOidc, session::kAal1};
    return kInfo;
}

session::FactorCount OidcModule::Factors(const identity::Credential& c) const {
    auto providers = c.config.find("providers");
    return {providers != c.config.end() && providers->is_array() ? static_cast<int>(providers->size()) : 0, 0};
}

std::unique_ptr<MethodModule> MakeOidcModule(const MethodDeps& deps) { return std::make_unique<OidcModule>(deps); }

}  // namespace bia::strategy::oidc
