#include "strategy/link/link_module.hpp"

#include "strategy/address_strategies.hpp"

namespace bia::strategy::link {

ChallengeSpec VerificationSpec(const config::Config& c) {
    return ChallengeSpec{.method = kMethod,
                         .sends_code = false,
                         .address_kind = identity::AddressKind::kVerifiable,
                         .secret_kind = selfservice::SecretKind::kVerificationLink,
                         .valid_template = courier::Template::kVerificationValid,
                         .invalid_template = courier::Template::kVerificationInvalid,
                         .route_submit = "/self-service/verification",
                         .url_field = "VerificationURL",
                         .code_field = "",
                         .flow_config = &c.selfservice.flows.verification,
                         .lifespan = &c.selfservice.methods.link.lifespan,
                         .sent_message = &text::NewVerificationEmailSent,
                         .invalid_message = &text::NewErrorValidationVerificationTokenInvalidOrAlreadyUsed,
                         .code_label = &text::NewInfoNodeLabelVerificationCode,
                         .submit_label = &text::NewInfoNodeLabelSubmit};
}

ChallengeSpec RecoverySpec(const config::Config& c) {
    return ChallengeSpec{.method = kMethod,
                         .sends_code = false,
                         .address_kind = identity::AddressKind::kRecovery,
                         .secret_kind = selfservice::SecretKind::kRecoveryLink,
                         .valid_template = courier::Template::kRecoveryValid,
                         .invalid_template = courier::Template::kRecoveryInvalid,
                         .route_submit = "/self-service/recovery",
                         .url_field = "RecoveryURL",
                         .code_field = "",
                         .flow_config = &c.selfservice.flows.recovery,
                         .lifespan = &c.selfservice.methods.link.lifespan,
                         .sent_message = &text::NewRecoveryEmailSent,
                         .invalid_message = &text::NewErrorValidationRecoveryTokenInvalidOrAlreadyUsed,
                         .code_label = &text::NewInfoNodeLabelRecoveryCode,
                         .submit_label = &text::NewInfoNodeLabelContinue};
}

std::unique_ptr<MethodModule> MakeLinkModule(const MethodDeps& deps) {
    static constexpr MethodInfo kInfo{kMethod, "", ""};
    return std::make_unique<ChallengeMethodModule>(kInfo, deps, VerificationSpec(deps.config),
                                                   RecoverySpec(deps.config), kSessionMethod);
}

}  // namespace bia::strategy::link
