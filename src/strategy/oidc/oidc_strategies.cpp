#include "strategy/oidc/oidc_strategies.hpp"

#include <algorithm>

#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "strategy/body_fields.hpp"
#include "text/message.hpp"

namespace bia::strategy::oidc {

using nlohmann::json;
using selfservice::FlowType;
using selfservice::Rejection;
using selfservice::login::LoginAttempt;
using selfservice::registration::RegistrationAttempt;
using selfservice::settings::SettingsAttempt;

namespace {

constexpr std::string_view kProviderField = "provider";
constexpr std::string_view kLinkField = "link";
constexpr std::string_view kUnlinkField = "unlink";

core::Error BrowserOnly() {
    return core::BadRequest(
        "Social Sign In and OpenID Connect are only supported for flows initiated using the Browser endpoint.");
}

const json& Upstream(const json& body) {
    static const json kNone = json::object();
    auto it = body.find("upstream_parameters");
    return it != body.end() && it->is_object() ? *it : kNone;
}

session::AuthenticationMethod Amr(const selfservice::ExternalIdentity& e) {
    return session::AuthenticationMethod{std::string(kMethod), std::string(session::kAal1), {}, e.provider};
}

// Whether a submission is addressed to this method: `method` is "oidc", or absent while the field
// only this method's buttons send (`provider`, `link`, `unlink`) is set — a provider button
// submits its value alone (Kratos's nodes carry no method field).
bool Claims(const json& body, std::initializer_list<std::string_view> fields) {
    const auto method = strategy::StringField(body, "method");
    if (method) return *method == kMethod;
    return std::any_of(fields.begin(), fields.end(),
                       [&](std::string_view f) { return !strategy::StringField(body, f).value_or("").empty(); });
}

Rejection ProviderError(const std::string& reason) {
    return Rejection::OnFlow(text::NewValidationErrorGeneric(reason));
}

ui::Node ProviderButton(std::string_view name, const ConfiguredProvider& p, text::Message label) {
    return ui::WithLabel(ui::NewInput(name, ui::kGroupOidc, ui::kInputSubmit, p.id()), std::move(label));
}

bool Linked(const identity::Identity& identity, std::string_view provider) {
    auto links = LinksOf(identity);
    return std::any_of(links.begin(), links.end(), [&](const Link& l) { return l.provider == provider; });
}

}  // namespace

// ---- login ----

core::Status OidcLogin::Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) {
    if (!method_.enabled() || flow.type != FlowType::kBrowser || flow.requested_aal == session::kAal2) return {};
    for (const ConfiguredProvider& p : method_.providers()) {
        // A refresh offers the providers the signed-in identity has linked.
        if (flow.refresh && ctx.session && ctx.session->identity && !Linked(*ctx.session->identity, p.id())) continue;
        flow.ui.nodes.push_back(ProviderButton(kProviderField, p, text::NewInfoLoginWith(p.label(), p.id())));
    }
    return {};
}

LoginAttempt OidcLogin::Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                              const json& body) {
    if (!Claims(body, {kProviderField})) return LoginAttempt::NotResponsible();
    if (!method_.enabled()) return LoginAttempt::Failed(selfservice::MethodDisabled());
    if (const selfservice::ExternalIdentity* e = ctx.external) {
        if (e->error) return LoginAttempt::Rejected(ProviderError(*e->error));
        auto who =
            identities_.FindByCredentialIdentifier(identity::kCredentialOidc, Identifier(e->provider, e->subject));
        if (!who) {
            if (who.error().code != 404) return LoginAttempt::Failed(std::move(who).error());
            return LoginAttempt::Rejected(ProviderError("No account is linked to this " + e->provider + " account."));
        }
        if (flow.refresh && ctx.session && ctx.session->identity_id != who->id) {
            return LoginAttempt::Rejected(
                ProviderError("This " + e->provider + " account belongs to another account than the one signed in."));
        }
        flow.active = std::string(kMethod);
        return LoginAttempt::Succeeded({std::move(who).value(), Amr(*e)});
    }
    if (flow.type != FlowType::kBrowser) return LoginAttempt::Failed(BrowserOnly());
    const std::string provider_id = strategy::StringField(body, kProviderField).value_or("");
    ConfiguredProvider* provider = method_.Find(provider_id);
    if (!provider || flow.requested_aal == session::kAal2)
        return LoginAttempt::Rejected(ProviderError("The social sign-in provider is unknown or not available here."));
    if (auto s = selfservice::EnsureCsrf(flow.type, ctx, strategy::StringField(body, ui::kCsrfTokenName).value_or(""));
        !s)
        return LoginAttempt::Failed(std::move(s).error());
    auto url = method_.Start(FlowKind::kLogin, flow, *provider, ctx, Upstream(body));
    if (!url) return LoginAttempt::Failed(std::move(url).error());
    return LoginAttempt::Redirect(std::move(url).value());
}

// ---- registration ----

core::Status OidcRegistration::Populate(const selfservice::RequestContext&,
                                        selfservice::registration::RegistrationFlow& flow) {
    if (!method_.enabled() || flow.type != FlowType::kBrowser) return {};
    for (const ConfiguredProvider& p : method_.providers())
        flow.ui.nodes.push_back(ProviderButton(kProviderField, p, text::NewInfoRegistrationWith(p.label(), p.id())));
    return {};
}

RegistrationAttempt OidcRegistration::Register(const selfservice::RequestContext& ctx,
                                               selfservice::registration::RegistrationFlow& flow, const json& body) {
    if (!Claims(body, {kProviderField})) return RegistrationAttempt::NotResponsible();
    if (!method_.enabled()) return RegistrationAttempt::Failed(selfservice::MethodDisabled());
    if (const selfservice::ExternalIdentity* e = ctx.external) {
        if (e->error) return RegistrationAttempt::Rejected(ProviderError(*e->error));
        flow.active = std::string(kMethod);
        return Create(*e);
    }
    if (flow.type != FlowType::kBrowser) return RegistrationAttempt::Failed(BrowserOnly());
    ConfiguredProvider* provider = method_.Find(strategy::StringField(body, kProviderField).value_or(""));
    if (!provider)
        return RegistrationAttempt::Rejected(ProviderError("The social sign-in provider is unknown or not available."));
    if (auto s = selfservice::EnsureCsrf(flow.type, ctx, strategy::StringField(body, ui::kCsrfTokenName).value_or(""));
        !s)
        return RegistrationAttempt::Failed(std::move(s).error());
    auto url = method_.Start(FlowKind::kRegistration, flow, *provider, ctx, Upstream(body));
    if (!url) return RegistrationAttempt::Failed(std::move(url).error());
    return RegistrationAttempt::Redirect(std::move(url).value());
}

RegistrationAttempt OidcRegistration::Create(const selfservice::ExternalIdentity& e) {
    const json& mapped = e.identity;
    json traits = mapped.is_object() ? mapped.value("traits", json::object()) : json::object();
    if (!traits.is_object()) traits = json::object();
    const std::string schema_id = identities_.schemas().default_id();
    auto violations = identities_.Validate(schema_id, traits);
    if (!violations) return RegistrationAttempt::Failed(std::move(violations).error());
    if (!violations->empty()) {
        // What the provider gave does not fit the identity schema: say which traits are missing.
        return RegistrationAttempt::Rejected(Rejection::FromViolations(*violations));
    }
    const auto now = clock_.Now();
    identity::Identity who;
    who.id = core::Uuid::V4(random_);
    who.schema_id = schema_id;
    who.traits = std::move(traits);
    who.created_at = who.updated_at = now;
    who.state_changed_at = now;
    if (mapped.is_object()) {
        if (auto m = mapped.find("metadata_public"); m != mapped.end() && m->is_object()) who.metadata_public = *m;
        if (auto m = mapped.find("metadata_admin"); m != mapped.end() && m->is_object()) who.metadata_admin = *m;
    }
    if (auto s = identities_.RecomputeFromTraits(who); !s) return RegistrationAttempt::Failed(std::move(s).error());
    // Addresses the mapper says the provider verified start verified (Kratos's verified_addresses).
    if (auto v = mapped.is_object() ? mapped.find("verified_addresses") : mapped.end();
        mapped.is_object() && v != mapped.end() && v->is_array()) {
        for (const json& a : *v) {
            if (!a.is_object()) continue;
            const std::string value = a.value("value", ""), via = a.value("via", "email");
            for (auto& addr : who.verifiable_addresses) {
                if (addr.via != via || addr.value != value) continue;
                addr.verified = true;
                addr.status = std::string(identity::kAddressCompleted);
                addr.verified_at = now;
            }
        }
    }
    if (auto s = method_.AddLink(who, e); !s) return RegistrationAttempt::Failed(std::move(s).error());
    return RegistrationAttempt::Succeeded({std::move(who), Amr(e)});
}

// ---- settings ----

std::vector<const ConfiguredProvider*> OidcSettings::Linkable(const identity::Identity& identity) const {
    std::vector<const ConfiguredProvider*> out;
    for (const ConfiguredProvider& p : method_.providers()) {
        if (!Linked(identity, p.id())) out.push_back(&p);
    }
    return out;
}

std::vector<const ConfiguredProvider*> OidcSettings::Unlinkable(const identity::Identity& identity) const {
    std::vector<const ConfiguredProvider*> out;
    if (aal_rules_.Count(identity).first < 2) return out;
    for (const ConfiguredProvider& p : method_.providers()) {
        if (Linked(identity, p.id())) out.push_back(&p);
    }
    return out;
}

core::Status OidcSettings::Populate(const selfservice::RequestContext&, selfservice::settings::SettingsFlow& flow,
                                    const identity::Identity& identity) {
    if (!method_.enabled() || flow.type != FlowType::kBrowser) return {};
    for (const ConfiguredProvider* p : Linkable(identity))
        flow.ui.nodes.push_back(ProviderButton(kLinkField, *p, text::NewInfoSettingsLinkOidc(p->label())));
    for (const ConfiguredProvider* p : Unlinkable(identity))
        flow.ui.nodes.push_back(ProviderButton(kUnlinkField, *p, text::NewInfoSettingsUnlinkOidc(p->label())));
    return {};
}

SettingsAttempt OidcSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    if (!Claims(body, {kLinkField, kUnlinkField})) return SettingsAttempt::NotResponsible();
    if (!method_.enabled()) return SettingsAttempt::Failed(selfservice::MethodDisabled());
    const std::string link = strategy::StringField(body, kLinkField).value_or("");
    const std::string unlink = strategy::StringField(body, kUnlinkField).value_or("");
    if (!link.empty() && !unlink.empty()) {
        return SettingsAttempt::Failed(
            core::BadRequest("it is not possible to link and unlink providers in the same request"));
    }
    if (link.empty() && unlink.empty()) return SettingsAttempt::NotResponsible();
    if (sub.flow.type != FlowType::kBrowser) return SettingsAttempt::Failed(BrowserOnly());
    // No CSRF check for this method (settings-flow.md §8.6); the provider round trip is bound to
    // the browser by the state parameter and the CSRF cookie instead.
    if (!sub.privileged) return SettingsAttempt::NeedsPrivilege();

    if (!link.empty()) {
        const auto linkable = Linkable(sub.identity);
        const bool ok =
            std::any_of(linkable.begin(), linkable.end(), [&](const ConfiguredProvider* p) { return p->id() == link; });
        if (const selfservice::ExternalIdentity* e = sub.request.external) {
            if (e->error) return SettingsAttempt::Rejected(ProviderError(*e->error));
            if (!ok || e->provider != link) {
                return SettingsAttempt::Rejected(
                    ProviderError("can not link unknown or already existing OpenID Connect connection"));
            }
            return FinishLink(sub, *e);
        }
        if (!ok) {
            return SettingsAttempt::Rejected(
                ProviderError("can not link unknown or already existing OpenID Connect connection"));
        }
        auto url = method_.Start(FlowKind::kSettings, sub.flow, *method_.Find(link), sub.request, Upstream(body));
        if (!url) return SettingsAttempt::Failed(std::move(url).error());
        return SettingsAttempt::Redirect(std::move(url).value());
    }

    const auto unlinkable = Unlinkable(sub.identity);
    if (std::none_of(unlinkable.begin(), unlinkable.end(),
                     [&](const ConfiguredProvider* p) { return p->id() == unlink; })) {
        return SettingsAttempt::Rejected(ProviderError("can not unlink non-existing OpenID Connect connection"));
    }
    identity::Identity updated = sub.identity;
    method_.RemoveLink(updated, unlink);
    return SettingsAttempt::Succeeded({std::move(updated), {}});
}

SettingsAttempt OidcSettings::FinishLink(selfservice::settings::SettingsSubmission& sub,
                                         const selfservice::ExternalIdentity& e) {
    // The subject may already sign another identity in (settings-flow.md §8.6; G2 message 4000027).
    auto owner = identities_.FindByCredentialIdentifier(identity::kCredentialOidc, Identifier(e.provider, e.subject));
    if (owner) {
        return SettingsAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationDuplicateCredentialsOnOidcLink()));
    }
    if (owner.error().code != 404) return SettingsAttempt::Failed(std::move(owner).error());
    identity::Identity updated = sub.identity;
    if (auto s = method_.AddLink(updated, e); !s) return SettingsAttempt::Failed(std::move(s).error());
    return SettingsAttempt::Succeeded({std::move(updated), {}});
}

}  // namespace bia::strategy::oidc
