#include "strategy/password/password_settings.hpp"

#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

using nlohmann::json;
using selfservice::Rejection;
using selfservice::settings::SettingsAttempt;
using selfservice::settings::SettingsFlow;

core::Status PasswordSettings::Populate(const selfservice::RequestContext&, SettingsFlow& flow,
                                        const identity::Identity&) {
    if (!config_.selfservice.methods.password.enabled) return {};
    flow.ui.Upsert(PasswordInput("new-password"));
    flow.ui.Upsert(MethodSubmit(text::NewInfoNodeLabelSave()));
    return {};
}

// The password is never echoed back into the form.
void PasswordSettings::EchoSubmission(ui::Container& form, const json& /*body*/) const {
    if (!config_.selfservice.methods.password.enabled) return;  // as Submit: it stops before
    form.ClearValue(kPasswordField);
}

SettingsAttempt PasswordSettings::Submit(selfservice::settings::SettingsSubmission& sub) {
    const json& body = sub.body;
    if (StringField(body, "method") != std::string(kMethod)) return SettingsAttempt::NotResponsible();
    if (!config_.selfservice.methods.password.enabled) return SettingsAttempt::Failed(selfservice::MethodDisabled());

    auto reject = [](Rejection r) { return SettingsAttempt::Rejected(std::move(r)); };
    // 0. Body schema: `password` is required (empty counts as absent, §1.8) — before CSRF.
    const std::optional<std::string> password = StringField(body, kPasswordField);
    if (!password) {
        return reject(Rejection::OnNode(std::string(kPasswordField), text::NewValidationErrorRequired(kPasswordField)));
    }
    // 1. CSRF, 2. privilege (before the password is looked at).
    if (auto s =
            selfservice::EnsureCsrf(sub.flow.type, sub.request, StringField(body, ui::kCsrfTokenName).value_or(""));
        !s) {
        return SettingsAttempt::Failed(std::move(s).error());
    }
    if (!sub.privileged) return SettingsAttempt::NeedsPrivilege();

    // Identifiers come from the schema, recomputed from the current traits; a missing password
    // credential is created (OIDC-only accounts may add a password).
    identity::Identity after = sub.identity;
    if (!after.FindCredential(identity::kCredentialPassword)) {
        identity::Credential cred;
        cred.type = std::string(identity::kCredentialPassword);
        after.credentials.emplace(cred.type, std::move(cred));
    }
    if (auto s = identities_.RecomputeFromTraits(after); !s) return SettingsAttempt::Failed(std::move(s).error());
    const auto& identifiers = after.credentials.at(std::string(identity::kCredentialPassword)).identifiers;
    if (identifiers.empty()) return reject(Rejection::OnFlow(text::NewErrorValidationIdentifierMissing()));

    // 4. Policy.
    auto violation = policy_.Check(*password, identifiers);
    if (!violation) return SettingsAttempt::Failed(std::move(violation).error());
    if (*violation) return reject(Rejection::OnNode(std::string(kPasswordField), PolicyMessage(**violation)));

    // 5. G2: the new password must differ from the current one.
    if (const auto* old = sub.identity.FindCredential(identity::kCredentialPassword)) {
        if (auto h = old->config.find("hashed_password"); h != old->config.end() && h->is_string()) {
            auto same = hashing_.Verify(*password, h->get<std::string>());
            if (same && *same) {
                return reject(
                    Rejection::OnNode(std::string(kPasswordField), text::NewErrorValidationPasswordNewSameAsOld()));
            }
        }
    }

    // 6. Hash on the pool (the submit route runs off the I/O threads).
    auto hashed = hashing_.Hash(*password);
    if (!hashed) {
        if (crypto::IsPasswordTooLongError(hashed.error())) {
            return reject(Rejection::OnNode(
                std::string(kPasswordField),
                text::NewErrorValidationPasswordMaxLength(static_cast<int64_t>(crypto::kBcryptMaxPasswordBytes),
                                                          static_cast<int64_t>(password->size()))));
        }
        return SettingsAttempt::Failed(std::move(hashed).error());
    }
    identities_.SetPasswordHash(after, std::move(hashed).value());
    return SettingsAttempt::Succeeded({std::move(after), {}});
}

}  // namespace bia::strategy::password
