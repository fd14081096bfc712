#include "strategy/lookup_secret/lookup_settings.hpp"

#include "identity/identity.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session.hpp"
#include "strategy/lookup_secret/lookup_codes.hpp"

namespace bia::strategy::lookup_secret {

using nlohmann::json;
using selfservice::settings::SettingsAttempt;
using selfservice::settings::SettingsFlow;

namespace {

// The identity's stored codes; empty when it has none ("has codes" = a non-empty array, §8.4).
std::vector<RecoveryCode> StoredCodes(const identity::Identity& identity) {
    const identity::Credential* c = identity.FindCredential(identity::kCredentialLookupSecret);
    if (c == nullptr) return {};
    return ParseCodes(c->config).value_or(std::vector<RecoveryCode>{});
}

// Every node the method may have shown, so each action starts from a clean group.
void RemoveMethodNodes(ui::Container& ui) {
    for (std::string_view id : {kRevealField, kRegenerateField, kConfirmField, kDisableField, kCodesNode}) {
        ui.Remove(id);
    }
}

json& Context(SettingsFlow& flow) {
    json& c = flow.internal_context[std::string(kContextKey)];
    if (!c.is_object()) c = json::object();
    return c;
}

}  // namespace

std::vector<std::string> LookupSettings::NodeOrder() const {
    return {std::string(kRevealField), std::string(kRegenerateField), std::string(kCodesNode),
            std::string(kConfirmField)};
}

std::string_view LookupSettings::Id() const { return kMethod; }

core::Status LookupSettings::Populate(const selfservice::RequestContext&, SettingsFlow& flow,
                                      const identity::Identity& identity) {
    if (!config_.selfservice.methods.lookup_secret.enabled) return {};
    if (!StoredCodes(identity).empty()) {
        flow.ui.Upsert(RevealSubmit());
        flow.ui.Upsert(DisableSubmit());
    } else {
        flow.ui.Upsert(RegenerateSubmit());
    }
    return {};
}

SettingsAttempt LookupSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    // Any of the four buttons addresses this method, whatever `method` says (§5.2); when several
    // are set: confirm > reveal > disable > regenerate (§8.4).
    const bool confirm = BoolField(body, kConfirmField);
    const bool reveal = BoolField(body, kRevealField);
    const bool disable = BoolField(body, kDisableField);
    const bool regenerate = BoolField(body, kRegenerateField);
    if (!confirm && !reveal && !disable && !regenerate) return SettingsAttempt::NotResponsible();
    if (!config_.selfservice.methods.lookup_secret.enabled)
        return SettingsAttempt::Failed(selfservice::MethodDisabled());
    if (auto s =
            selfservice::EnsureCsrf(sub.flow.type, sub.request, StringField(body, ui::kCsrfTokenName).value_or(""));
        !s) {
        return SettingsAttempt::Failed(std::move(s).error());
    }
    // Even showing the codes again needs a recent sign-in (§8.4).
    if (!sub.privileged) return SettingsAttempt::NeedsPrivilege();

    if (confirm) {
        const json& ctx = Context(sub.flow);
        std::optional<std::vector<RecoveryCode>> pending;
        if (auto it = ctx.find("regenerated"); it != ctx.end()) pending = CodesFromJson(*it);
        if (!pending || pending->size() != kCodeCount) {
            return SettingsAttempt::Failed(
                core::BadRequest("You must (re-)generate recovery backup codes before you can save them."));
        }
        for (auto& c : *pending) c.used_at.reset();
        identity::Identity after = sub.identity;
        identity::Credential credential;
        credential.type = std::string(identity::kCredentialLookupSecret);
        credential.identifiers = {after.id.ToString()};
        credential.config = CodesConfig(*pending);
        credential.created_at = credential.updated_at = clock_.Now();
        if (const identity::Credential* old = after.FindCredential(identity::kCredentialLookupSecret)) {
            credential.created_at = old->created_at;
        }
        after.credentials[credential.type] = std::move(credential);
        Context(sub.flow).erase("regenerated");
        // Confirming the codes proves the second factor for this session (no lock-out, §8.4).
        session::AuthenticationMethod method;
        method.method = std::string(kMethod);
        method.aal = std::string(session::kAal2);
        return SettingsAttempt::Succeeded({std::move(after), {std::move(method)}});
    }
    if (reveal) {
        const std::vector<RecoveryCode> codes = StoredCodes(sub.identity);
        if (codes.empty()) {
            return SettingsAttempt::Failed(core::BadRequest("Can not reveal lookup codes because you have none."));
        }
        RemoveMethodNodes(sub.flow.ui);
        sub.flow.ui.Upsert(CodesText(codes));
        sub.flow.ui.Upsert(DisableSubmit());
        sub.flow.ui.Upsert(RegenerateSubmit());
        Context(sub.flow)["revealed"] = true;
        return SettingsAttempt::ReturnToUi();
    }
    if (disable) {
        identity::Identity after = sub.identity;
        after.credentials.erase(std::string(identity::kCredentialLookupSecret));
        json& ctx = Context(sub.flow);
        ctx["revealed"] = false;
        ctx["regenerated"] = json::object();
        return SettingsAttempt::Succeeded({std::move(after), {}});
    }
    // Regenerate: the new set is only shown and kept on the flow until confirmed.
    const std::vector<RecoveryCode> codes = NewCodes(random_);
    RemoveMethodNodes(sub.flow.ui);
    sub.flow.ui.Upsert(CodesText(codes));
    sub.flow.ui.Upsert(ConfirmSubmit());
    Context(sub.flow)["regenerated"] = CodesJson(codes);
    return SettingsAttempt::ReturnToUi();
}

}  // namespace bia::strategy::lookup_secret
