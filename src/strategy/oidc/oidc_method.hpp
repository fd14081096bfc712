// What the oidc method's three strategies and its callback share (settings-flow.md §8.6,
// surrounding-api.md §7–8): the configured providers, the start of an authorization request (the
// flow remembers what it expects back; the browser is sent to the provider), the state parameter
// that leads the callback back to its flow, and the stored credential — one `oidc` credential per
// identity with an identifier `<provider>:<subject>` and a `providers` entry (tokens encrypted)
// per linked provider.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "crypto/token_cipher.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "strategy/oidc/oidc_provider.hpp"

namespace bia::strategy::oidc {

inline constexpr std::string_view kMethod = "oidc";
inline constexpr std::string_view kCallbackPath = "/self-service/methods/oidc/callback/";
// The key of the flows' internal context under which a started authorization waits.
inline constexpr std::string_view kContextKey = "oidc";
inline constexpr size_t kMaxProviderIdBytes = 64;

// Which flow a callback returns to; the first part of the state parameter.
enum class FlowKind { kLogin, kRegistration, kSettings };
std::string_view ToString(FlowKind k);

// The state parameter: "<kind>.<flow id>.<secret>"; the flow keeps a digest of the secret.
struct State {
    FlowKind kind = FlowKind::kLogin;
    core::Uuid flow_id;
    std::string secret;
    std::string Encode() const;
    static std::optional<State> Parse(std::string_view text);
};

// A provider with its mapper, as configured.
struct ConfiguredProvider {
    std::unique_ptr<Provider> client;
    ClaimsMapper mapper;
    const std::string& id() const { return client->config().id; }
    const std::string& label() const { return client->config().label; }
};

// The providers one linked identity has: `<provider id>` → subject.
struct Link {
    std::string provider;
    std::string subject;
};
std::vector<Link> LinksOf(const identity::Identity& identity);
// The credential identifier of a link.
std::string Identifier(std::string_view provider, std::string_view subject);

class OidcMethod {
  public:
    // `http` and `cipher` outlive the method. Reads the providers and their mappers when the
    // method is enabled; a bad configuration is kept as Ready()'s error (the server refuses to
    // start).
    OidcMethod(const config::Config& config, net::HttpClient& http, const crypto::TokenCipher& cipher,
               const core::Clock& clock, core::Random& random);

    const core::Status& Ready() const { return ready_; }
    bool enabled() const { return config_.selfservice.methods.oidc.enabled; }
    const std::vector<ConfiguredProvider>& providers() const { return providers_; }
    ConfiguredProvider* Find(std::string_view id);
    std::string RedirectUri(std::string_view provider_id) const;

    // Starts an authorization request for `flow` (a browser flow of `kind`): notes the state's
    // digest, the PKCE verifier, the nonce and the browser's CSRF cookie in the flow's internal
    // context and returns the provider URL to send the browser to. `upstream`: the submission's
    // upstream_parameters (login_hint, hd, prompt, acr_values; others ignored).
    core::Result<std::string> Start(FlowKind kind, selfservice::FlowBase& flow, ConfiguredProvider& provider,
                                    const selfservice::RequestContext& ctx, const nlohmann::json& upstream);

    // The callback's checks against the flow the state names: a started request for
    // `provider_id`, the same secret, the same browser (CSRF cookie). Consumes the waiting request
    // (the caller stores the flow). Returns what was noted at the start.
    struct Waiting {
        std::string provider;
        std::string code_verifier;
        std::string nonce;
    };
    core::Result<Waiting> Resume(selfservice::FlowBase& flow, const State& state, std::string_view provider_id,
                                 const selfservice::RequestContext& ctx) const;

    // Exchanges the code, verifies the ID token and maps its claims: the external identity a
    // strategy finishes the flow with (`error` set when any step failed, with the reason to show).
    selfservice::ExternalIdentity Complete(ConfiguredProvider& provider, const Waiting& waiting,
                                           std::string_view code) const;

    // The identity with `identity`'s oidc credential extended by the external identity's link
    // (tokens encrypted).
    core::Status AddLink(identity::Identity& identity, const selfservice::ExternalIdentity& external) const;
    // Removes the link to `provider`; the credential goes when it was the last.
    void RemoveLink(identity::Identity& identity, std::string_view provider) const;

  private:
    const config::Config& config_;
    const crypto::TokenCipher& cipher_;
    const core::Clock& clock_;
    core::Random& random_;
    std::vector<ConfiguredProvider> providers_;
    core::Status ready_;
};

}  // namespace bia::strategy::oidc
