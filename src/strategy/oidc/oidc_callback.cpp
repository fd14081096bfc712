#include "strategy/oidc/oidc_callback.hpp"

namespace bia::strategy::oidc {

using nlohmann::json;
using selfservice::Failed;
using selfservice::Outcome;

namespace {

constexpr size_t kMaxProviderText = 512;  // of a provider's error and error_description

std::string Capped(std::string_view s) { return std::string(s.substr(0, kMaxProviderText)); }

}  // namespace

template <class Flow>
core::Result<OidcMethod::Waiting> OidcCallback::Consume(selfservice::FlowRepository<Flow>& flows, const State& state,
                                                        std::string_view provider_id,
                                                        const selfservice::RequestContext& ctx,
                                                        std::string* request_url) {
    BIA_TRY_ASSIGN(Flow flow, flows.Get(state.flow_id));
    if (flow.type != selfservice::FlowType::kBrowser)
        return core::BadRequest("The social sign-in callback names a flow that is not a browser flow.");
    auto waiting = method_.Resume(flow, state, provider_id, ctx);
    // The waiting request is used up either way: a second visit of the same callback finds none.
    BIA_TRY(flows.Update(flow));
    *request_url = flow.request_url;
    return waiting;
}

selfservice::ExternalIdentity OidcCallback::Answer(ConfiguredProvider& provider, const OidcMethod::Waiting& waiting,
                                                   const core::Query& query) const {
    if (auto error = query.Get("error")) {
        selfservice::ExternalIdentity e;
        e.provider = provider.id();
        e.error = "Unable to complete OpenID Connect flow because the OpenID Provider returned error \"" +
                  Capped(*error) + "\": " + Capped(query.Get("error_description").value_or(""));
        return e;
    }
    const std::string_view code = query.Get("code").value_or("");
    if (code.empty() || code.size() > 2048) {
        selfservice::ExternalIdentity e;
        e.provider = provider.id();
        e.error = "Unable to complete OpenID Connect flow because the OpenID Provider sent no authorization code.";
        return e;
    }
    return method_.Complete(provider, waiting, code);
}

bool OidcCallback::Known(const selfservice::ExternalIdentity& e) {
    return identities_.FindByCredentialIdentifier(identity::kCredentialOidc, Identifier(e.provider, e.subject)).ok();
}

Outcome OidcCallback::Handle(const selfservice::RequestContext& ctx, std::string_view provider_id,
                             const core::Query& query, const selfservice::settings::HookRequestFacts& request,
                             selfservice::ContinuityRefs& continuity) {
    ConfiguredProvider* provider = method_.enabled() ? method_.Find(provider_id) : nullptr;
    if (!provider) return Failed{std::nullopt, core::NotFound("The requested social sign-in provider is not known.")};
    auto state = State::Parse(query.Get("state").value_or(""));
    if (!state) {
        return Failed{std::nullopt,
                      core::BadRequest("The social sign-in could not be completed: the state parameter is missing "
                                       "or malformed. Please start again.")};
    }

    core::Result<OidcMethod::Waiting> waiting = core::Internal("unreachable");
    std::string request_url;
    switch (state->kind) {
        case FlowKind::kLogin:
            waiting = Consume(login_flows_, *state, provider_id, ctx, &request_url);
            break;
        case FlowKind::kRegistration:
            waiting = Consume(registration_flows_, *state, provider_id, ctx, &request_url);
            break;
        case FlowKind::kSettings:
            waiting = Consume(settings_flows_, *state, provider_id, ctx, &request_url);
            break;
    }
    if (!waiting) return Failed{selfservice::FlowType::kBrowser, std::move(waiting).error()};

    const selfservice::ExternalIdentity external = Answer(*provider, *waiting, query);
    selfservice::RequestContext resumed = ctx;
    resumed.external = &external;
    const std::string flow_id = state->flow_id.ToString();
    const json login_body = {{"method", kMethod}, {"provider", provider->id()}};

    switch (state->kind) {
        case FlowKind::kSettings:
            return settings_.Submit(resumed, flow_id, json{{"method", kMethod}, {"link", provider->id()}}, request,
                                    continuity);
        case FlowKind::kLogin:
            // A subject nobody is linked to signs up instead (when registration is enabled).
            if (!external.error && config_.selfservice.flows.registration.enabled && !Known(external)) {
                auto next = registration_.CreateBrowserFlow(ctx, request_url);
                if (!next) return Failed{selfservice::FlowType::kBrowser, std::move(next).error()};
                return registration_.Submit(resumed, next->ToString(), login_body);
            }
            return login_.Submit(resumed, flow_id, login_body);
        case FlowKind::kRegistration:
            // A subject that is linked already signs in.
            if (!external.error && Known(external)) {
                auto next = login_.CreateBrowserFlow(ctx, request_url);
                if (!next) return Failed{selfservice::FlowType::kBrowser, std::move(next).error()};
                return login_.Submit(resumed, next->ToString(), login_body);
            }
            return registration_.Submit(resumed, flow_id, login_body);
    }
    return Failed{std::nullopt, core::Internal("unknown flow kind")};
}

}  // namespace bia::strategy::oidc
