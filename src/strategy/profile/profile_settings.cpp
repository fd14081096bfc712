#include "strategy/profile/profile_settings.hpp"

#include <set>

#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::strategy::profile {

using nlohmann::json;
using selfservice::Rejection;
using selfservice::settings::SettingsAttempt;
using selfservice::settings::SettingsFlow;

namespace {

const schema::Schema& SchemaOf(const identity::IdentityService& identities, const identity::Identity& who) {
    if (const auto* s = identities.schemas().Find(who.schema_id)) return *s;
    return identities.schemas().Default();
}

// An absent traits object decodes as {} (§1.8): the submission then replaces all traits.
json SubmittedTraits(const json& body) {
    if (auto it = body.find("traits"); it != body.end() && !it->is_null()) return *it;
    return json::object();
}

// Shows the submitted traits in the trait inputs; inputs the submission left out lose their value.
void EchoTraits(ui::Container& ui, const json& traits) {
    for (auto& n : ui.nodes) {
        auto* in = n.Input();
        if (!in || in->name.rfind("traits.", 0) != 0) continue;
        in->value = ui::ValueAtPath(traits, "traits", in->name);
    }
}

}  // namespace

bool IsProtectedChange(const identity::Identity& before, const identity::Identity& after) {
    using Ids = std::set<std::pair<std::string, std::string>>;
    auto identifiers = [](const identity::Identity& i) {
        Ids out;
        for (const auto& [type, c] : i.credentials) {
            out.emplace(type, "");
            for (const auto& id : c.identifiers) out.emplace(type, id);
        }
        return out;
    };
    auto addresses = [](const identity::Identity& i) {
        Ids out;
        for (const auto& a : i.verifiable_addresses) out.emplace(a.via, a.value);
        return out;
    };
    return identifiers(before) != identifiers(after) || addresses(before) != addresses(after);
}

core::Status ProfileSettings::Populate(const selfservice::RequestContext&, SettingsFlow& flow,
                                       const identity::Identity& identity) {
    if (!config_.selfservice.methods.profile.enabled) return {};
    const schema::Schema& s = SchemaOf(identities_, identity);
    for (auto& n : ui::NewTraitNodes(s.FormFields(), ui::kGroupProfile, identity.traits)) flow.ui.Upsert(std::move(n));
    flow.ui.Upsert(
        ui::WithLabel(ui::NewInput(ui::kMethodName, ui::kGroupProfile, ui::kInputSubmit, std::string(kMethod)),
                      text::NewInfoNodeLabelSave()));
    return {};
}

void ProfileSettings::EchoSubmission(ui::Container& form, const json& body) const {
    // What Submit echoed before it moved the echo here: nothing when the method is disabled.
    if (!config_.selfservice.methods.profile.enabled) return;
    EchoTraits(form, SubmittedTraits(body));
}

SettingsAttempt ProfileSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    auto m = body.find("method");
    if (m == body.end() || !m->is_string() || m->get<std::string>() != kMethod)
        return SettingsAttempt::NotResponsible();
    if (!config_.selfservice.methods.profile.enabled) return SettingsAttempt::Failed(selfservice::MethodDisabled());

    // The form is left alone here: EchoSubmission echoes the traits if it is shown again.
    json traits = SubmittedTraits(body);

    // 1. Body validation: the new traits against the identity's schema.
    const identity::Identity& before = sub.identity;
    auto violations = identities_.Validate(before.schema_id, traits);
    if (!violations) return SettingsAttempt::Failed(std::move(violations).error());
    if (!violations->empty()) {
        return SettingsAttempt::Rejected(Rejection::FromViolations(*violations));
    }
    // 2. CSRF.
    std::string token;
    if (auto t = body.find(ui::kCsrfTokenName); t != body.end() && t->is_string()) token = t->get<std::string>();
    if (auto s = selfservice::EnsureCsrf(sub.flow.type, sub.request, token); !s) {
        return SettingsAttempt::Failed(std::move(s).error());
    }
    // 4. Replace (never merge) and recompute what the schema derives from traits.
    identity::Identity after = before;
    after.traits = traits;
    if (auto s = identities_.RecomputeFromTraits(after); !s) return SettingsAttempt::Failed(std::move(s).error());
    // 5. Protected changes need a privileged session.
    if (!sub.privileged && IsProtectedChange(before, after)) return SettingsAttempt::NeedsPrivilege();
    return SettingsAttempt::Succeeded({std::move(after), {}});
}

}  // namespace bia::strategy::profile
