#include "strategy/password/password_registration.hpp"

#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

using nlohmann::json;
using selfservice::Rejection;
using selfservice::registration::RegistrationAttempt;
using selfservice::registration::RegistrationFlow;

core::Status PasswordRegistration::Populate(const selfservice::RequestContext&, RegistrationFlow& flow) {
    if (!config_.selfservice.methods.password.enabled) return {};
    const schema::Schema& s = identities_.schemas().Default();
    // G2 puts the trait inputs into the default group (G1 used the password group).
    for (auto& n : ui::NewTraitNodes(s.FormFields(), ui::kGroupDefault, json::object())) flow.ui.Upsert(std::move(n));
    flow.ui.Upsert(PasswordInput("new-password"));
    flow.ui.Upsert(MethodSubmit(text::NewInfoRegistration()));
    return {};
}

void PasswordRegistration::PrepareRetry(const selfservice::RequestContext& ctx, RegistrationFlow& flow,
                                        const json& traits) {
    // Echo what was typed into the trait inputs, keeping the input types of the original form.
    for (auto& n : flow.ui.nodes) {
        auto* in = n.Input();
        if (!in || in->name.rfind("traits.", 0) != 0) continue;
        in->value = ui::ValueAtPath(traits, "traits", in->name);
    }
    flow.ui.ClearValue(kPasswordField);
    if (flow.type == selfservice::FlowType::kBrowser)
        flow.ui.SetCsrf(selfservice::MaskedCsrfToken(flow.type, ctx, random_));
}

RegistrationAttempt PasswordRegistration::Register(const selfservice::RequestContext& ctx, RegistrationFlow& flow,
                                                   const json& body) {
    if (StringField(body, "method") != std::string(kMethod)) return RegistrationAttempt::NotResponsible();
    if (!config_.selfservice.methods.password.enabled)
        return RegistrationAttempt::Failed(selfservice::MethodDisabled());

    json traits = json::object();
    if (auto it = body.find("traits"); it != body.end() && !it->is_null()) traits = *it;
    const std::optional<std::string> password = StringField(body, kPasswordField);

    auto reject = [&](Rejection r) {
        PrepareRetry(ctx, flow, traits);
        return RegistrationAttempt::Rejected(std::move(r));
    };
    if (!password)
        return reject(Rejection::OnNode(std::string(kPasswordField), text::NewValidationErrorRequired(kPasswordField)));
    if (auto s = selfservice::EnsureCsrf(flow.type, ctx, StringField(body, ui::kCsrfTokenName).value_or("")); !s) {
        PrepareRetry(ctx, flow, traits);
        return RegistrationAttempt::Failed(std::move(s).error());
    }

    const std::string schema_id = identities_.schemas().default_id();
    auto violations = identities_.Validate(schema_id, traits);
    if (!violations) return RegistrationAttempt::Failed(std::move(violations).error());
    if (!violations->empty()) {
        return reject(Rejection::FromViolations(*violations));
    }

    const auto now = clock_.Now();
    identity::Identity who;
    who.id = core::Uuid::V4(random_);
    who.schema_id = schema_id;
    who.traits = traits;
    who.created_at = who.updated_at = now;
    who.state_changed_at = now;
    identity::Credential cred;
    cred.type = std::string(identity::kCredentialPassword);
    cred.created_at = cred.updated_at = now;
    who.credentials.emplace(cred.type, std::move(cred));
    if (auto s = identities_.RecomputeFromTraits(who); !s) return RegistrationAttempt::Failed(std::move(s).error());
    const auto& identifiers = who.credentials.at(std::string(identity::kCredentialPassword)).identifiers;
    if (identifiers.empty()) return reject(Rejection::OnFlow(text::NewErrorValidationIdentifierMissing()));

    auto violation = policy_.Check(*password, identifiers);
    if (!violation) return RegistrationAttempt::Failed(std::move(violation).error());
    if (*violation) return reject(Rejection::OnNode(std::string(kPasswordField), PolicyMessage(**violation)));

    auto hashed = hashing_.Hash(*password);
    if (!hashed) {
        // bcrypt's 72-byte ceiling surfaces while hashing when the policy did not check it.
        if (crypto::IsPasswordTooLongError(hashed.error())) {
            return reject(Rejection::OnNode(
                std::string(kPasswordField),
                text::NewErrorValidationPasswordMaxLength(static_cast<int64_t>(crypto::kBcryptMaxPasswordBytes),
                                                          static_cast<int64_t>(password->size()))));
        }
        return RegistrationAttempt::Failed(std::move(hashed).error());
    }
    identities_.SetPasswordHash(who, std::move(hashed).value());
    flow.active = std::string(kMethod);
    return RegistrationAttempt::Succeeded(
        {std::move(who), session::AuthenticationMethod{std::string(kMethod), std::string(session::kAal1), {}, {}}});
}

}  // namespace bia::strategy::password
