#include "strategy/oidc/oidc_method.hpp"

#include <algorithm>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::strategy::oidc {

using nlohmann::json;

namespace {

constexpr size_t kStateSecretChars = 32;

std::string Digest(std::string_view secret) { return core::HexEncode(core::Sha256(secret)); }

// Why a provider answer could not be used, as the flow shows it (settings-flow.md §8.6).
selfservice::ExternalIdentity FailedWith(const std::string& provider, std::string reason) {
    selfservice::ExternalIdentity e;
    e.provider = provider;
    e.error = std::move(reason);
    return e;
}

}  // namespace

std::string_view ToString(FlowKind k) {
    switch (k) {
        case FlowKind::kLogin:
            return "login";
        case FlowKind::kRegistration:
            return "registration";
        case FlowKind::kSettings:
            return "settings";
    }
    return "login";
}

std::string State::Encode() const { return std::string(ToString(kind)) + "." + flow_id.ToString() + "." + secret; }

std::optional<State> State::Parse(std::string_view text) {
    if (text.size() > 256) return std::nullopt;
    const size_t a = text.find('.');
    if (a == std::string_view::npos) return std::nullopt;
    const size_t b = text.find('.', a + 1);
    if (b == std::string_view::npos) return std::nullopt;
    State s;
    const std::string_view kind = text.substr(0, a);
    if (kind == "login") {
        s.kind = FlowKind::kLogin;
    } else if (kind == "registration") {
        s.kind = FlowKind::kRegistration;
    } else if (kind == "settings") {
        s.kind = FlowKind::kSettings;
    } else {
        return std::nullopt;
    }
    auto id = core::Uuid::Parse(text.substr(a + 1, b - a - 1));
    if (!id) return std::nullopt;
    s.flow_id = *id;
    s.secret = std::string(text.substr(b + 1));
    if (s.secret.size() != kStateSecretChars) return std::nullopt;
    return s;
}

std::string Identifier(std::string_view provider, std::string_view subject) {
    return std::string(provider) + ":" + std::string(subject);
}

std::vector<Link> LinksOf(const identity::Identity& identity) {
    std::vector<Link> out;
    auto it = identity.credentials.find(std::string(identity::kCredentialOidc));
    if (it == identity.credentials.end()) return out;
    auto providers = it->second.config.find("providers");
    if (providers == it->second.config.end() || !providers->is_array()) return out;
    for (const json& p : *providers) {
        if (!p.is_object()) continue;
        auto provider = p.find("provider");
        auto subject = p.find("subject");
        if (provider == p.end() || subject == p.end() || !provider->is_string() || !subject->is_string()) continue;
        out.push_back({provider->get<std::string>(), subject->get<std::string>()});
    }
    return out;
}

OidcMethod::OidcMethod(const config::Config& config, net::HttpClient& http, const crypto::TokenCipher& cipher,
                       const core::Clock& clock, core::Random& random)
    : config_(config), cipher_(cipher), clock_(clock), random_(random) {
    const auto& oidc = config.selfservice.methods.oidc;
    // A disabled method's providers are not read: a kratos.yml may keep providers Bia does not
    // build (github, apple, …) switched off.
    if (!oidc.enabled) return;
    auto parsed = ParseProviders(oidc.providers);
    if (!parsed) {
        ready_ = std::move(parsed).error();
        return;
    }
    const bool loopback_http = config.dev_mode;
    for (ProviderConfig& pc : *parsed) {
        auto mapper = ClaimsMapper::Load(pc.mapper_url, http);
        if (!mapper) {
            ready_ = core::Internal("selfservice.methods.oidc.config.providers: provider `" + pc.id +
                                    "`: mapper_url: " + mapper.error().reason);
            return;
        }
        providers_.push_back(ConfiguredProvider{std::make_unique<Provider>(std::move(pc), http, clock, loopback_http),
                                                std::move(mapper).value()});
    }
}

ConfiguredProvider* OidcMethod::Find(std::string_view id) {
    for (auto& p : providers_) {
        if (p.id() == id) return &p;
    }
    return nullptr;
}

std::string OidcMethod::RedirectUri(std::string_view provider_id) const {
    const auto& base = config_.selfservice.methods.oidc.base_redirect_uri;
    return selfservice::PublicUrl(base ? *base : config_.PublicBaseUrl(),
                                  std::string(kCallbackPath) + std::string(provider_id));
}

core::Result<std::string> OidcMethod::Start(FlowKind kind, selfservice::FlowBase& flow, ConfiguredProvider& provider,
                                            const selfservice::RequestContext& ctx, const json& upstream) {
    State state{kind, flow.id, random_.AlphaNumeric(kStateSecretChars)};
    AuthorizationRequest req;
    req.redirect_uri = RedirectUri(provider.id());
    req.state = state.Encode();
    req.nonce = random_.AlphaNumeric(32);
    std::string verifier;
    BIA_TRY_ASSIGN(bool pkce, provider.client->UsesPkce());
    if (pkce) {
        verifier = PkceVerifier();
        req.code_challenge = PkceChallenge(verifier);
    }
    if (upstream.is_object()) {
        for (std::string_view key : {"login_hint", "hd", "prompt", "acr_values"}) {
            auto it = upstream.find(key);
            if (it != upstream.end() && it->is_string() && it->get_ref<const std::string&>().size() <= 512)
                req.extra.emplace_back(std::string(key), it->get<std::string>());
        }
    }
    BIA_TRY_ASSIGN(std::string url, provider.client->AuthorizationUrl(req));
    flow.internal_context[std::string(kContextKey)] = {
        {"provider", provider.id()},
        {"state", Digest(state.secret)},
        {"browser", Digest(ctx.csrf_token)},
        {"code_verifier", verifier},
        {"nonce", req.nonce},
        {"started_at", core::UnixSeconds(clock_.Now())},
    };
    return url;
}

core::Result<OidcMethod::Waiting> OidcMethod::Resume(selfservice::FlowBase& flow, const State& state,
                                                     std::string_view provider_id,
                                                     const selfservice::RequestContext& ctx) const {
    auto bad = [](std::string why) {
        return core::BadRequest("The social sign-in could not be completed: " + std::move(why) +
                                " Please start again.");
    };
    if (!flow.internal_context.is_object()) return bad("the flow is not waiting for this provider.");
    auto it = flow.internal_context.find(kContextKey);
    if (it == flow.internal_context.end() || !it->is_object()) return bad("the flow is not waiting for this provider.");
    const json waiting = *it;
    flow.internal_context.erase(it);  // one answer per request, good or bad
    if (waiting.value("provider", "") != provider_id) return bad("the flow is waiting for another provider.");
    if (!core::ConstantTimeEquals(waiting.value("state", ""), Digest(state.secret)))
        return bad("the state parameter does not match.");
    if (ctx.csrf_token.empty() || !core::ConstantTimeEquals(waiting.value("browser", ""), Digest(ctx.csrf_token)))
        return bad("it was started in another browser.");
    return Waiting{waiting.value("provider", ""), waiting.value("code_verifier", ""), waiting.value("nonce", "")};
}

selfservice::ExternalIdentity OidcMethod::Complete(ConfiguredProvider& provider, const Waiting& waiting,
                                                   std::string_view code) const {
    auto tokens = provider.client->ExchangeCode(code, waiting.code_verifier, RedirectUri(provider.id()));
    if (!tokens) return FailedWith(provider.id(), tokens.error().reason);
    if (tokens->id_token.empty()) {
        return FailedWith(provider.id(),
                          "Authentication failed because no id_token was returned. Please accept the \"openid\" "
                          "permission and try again.");
    }
    auto claims = provider.client->VerifyIdToken(tokens->id_token, waiting.nonce);
    if (!claims) return FailedWith(provider.id(), claims.error().reason);
    auto sub = claims->find("sub");
    if (sub == claims->end() || !sub->is_string() || sub->get_ref<const std::string&>().empty() ||
        sub->get_ref<const std::string&>().size() > 255) {
        return FailedWith(provider.id(), "The ID token carries no usable subject (sub).");
    }
    auto mapped = provider.mapper.Map(*claims);
    if (!mapped) return FailedWith(provider.id(), mapped.error().reason);
    selfservice::ExternalIdentity e;
    e.provider = provider.id();
    e.subject = sub->get<std::string>();
    e.claims = std::move(claims).value();
    e.identity = std::move(mapped).value();
    e.id_token = std::move(tokens->id_token);
    e.access_token = std::move(tokens->access_token);
    e.refresh_token = std::move(tokens->refresh_token);
    return e;
}

core::Status OidcMethod::AddLink(identity::Identity& identity, const selfservice::ExternalIdentity& external) const {
    const auto now = clock_.Now();
    const std::string type(identity::kCredentialOidc);
    auto [it, fresh] = identity.credentials.try_emplace(type);
    identity::Credential& c = it->second;
    if (fresh) {
        c.type = type;
        c.created_at = now;
    }
    if (!c.config.is_object()) c.config = json::object();
    json& providers = c.config["providers"];
    if (!providers.is_array()) providers = json::array();
    BIA_TRY_ASSIGN(std::string id_token, cipher_.Encrypt(external.id_token));
    BIA_TRY_ASSIGN(std::string access_token, cipher_.Encrypt(external.access_token));
    BIA_TRY_ASSIGN(std::string refresh_token, cipher_.Encrypt(external.refresh_token));
    providers.push_back({{"subject", external.subject},
                         {"provider", external.provider},
                         {"initial_id_token", std::move(id_token)},
                         {"initial_access_token", std::move(access_token)},
                         {"initial_refresh_token", std::move(refresh_token)}});
    c.identifiers.push_back(Identifier(external.provider, external.subject));
    c.updated_at = now;
    return {};
}

void OidcMethod::RemoveLink(identity::Identity& identity, std::string_view provider) const {
    auto it = identity.credentials.find(std::string(identity::kCredentialOidc));
    if (it == identity.credentials.end()) return;
    identity::Credential& c = it->second;
    std::string subject;
    if (auto providers = c.config.find("providers"); providers != c.config.end() && providers->is_array()) {
        json kept = json::array();
        for (const json& p : *providers) {
            if (p.is_object() && p.value("provider", "") == provider) {
                subject = p.value("subject", "");
                continue;
            }
            kept.push_back(p);
        }
        *providers = std::move(kept);
    }
    std::erase(c.identifiers, Identifier(provider, subject));
    c.updated_at = clock_.Now();
    auto providers = c.config.find("providers");
    if (providers == c.config.end() || !providers->is_array() || providers->empty()) identity.credentials.erase(it);
}

}  // namespace bia::strategy::oidc
