#include "strategy/code/code_module.hpp"

#include "strategy/address_strategies.hpp"

namespace bia::strategy::code {

ChallengeSpec VerificationSpec(const config::Config& c) {
    return ChallengeSpec{.method = kMethod,
                         .sends_code = true,
                         .address_kind = identity::AddressKind::kVerifiable,
                         .secret_kind = selfservice::SecretKind::kVerificationCode,
                         .valid_template = courier::Template::kVerificationCodeValid,
                         .invalid_template = courier::Template::kVerificationCodeInvalid,
                         .route_submit = "/self-service/verification",
                         .url_field = "VerificationURL",
                         .code_field = "VerificationCode",
                         .flow_config = &c.selfservice.flows.verification,
                         .lifespan = &c.selfservice.methods.code.lifespan,
                         .sent_message = &text::NewVerificationEmailWithCodeSent,
                         .invalid_message = &text::NewErrorValidationVerificationCodeInvalidOrAlreadyUsed,
                         .code_label = &text::NewInfoNodeLabelVerificationCode,
                         .submit_label = &text::NewInfoNodeLabelSubmit};
}

ChallengeSpec RecoverySpec(const config::Config& c) {
    return ChallengeSpec{.method = kMethod,
                         .sends_code = true,
                         .address_kind = identity::AddressKind::kRecovery,
                         .secret_kind = selfservice::SecretKind::kRecoveryCode,
                         .valid_template = courier::Template::kRecoveryCodeValid,
                         .invalid_template = courier::Template::kRecoveryCodeInvalid,
                         .route_submit = "/self-service/recovery",
                         .url_field = "RecoveryURL",
                         .code_field = "RecoveryCode",
                         .flow_config = &c.selfservice.flows.recovery,
                         .lifespan = &c.selfservice.methods.code.lifespan,
                         .sent_message = &text::NewRecoveryEmailWithCodeSent,
                         .invalid_message = &text::NewErrorValidationRecoveryCodeInvalidOrAlreadyUsed,
                         .code_label = &text::NewInfoNodeLabelRecoveryCode,
                         .submit_label = &text::NewInfoNodeLabelContinue};
}

std::unique_ptr<MethodModule> MakeCodeModule(const MethodDeps& deps) {
    static constexpr MethodInfo kInfo{kMethod, "", ""};
    return std::make_unique<ChallengeMethodModule>(kInfo, deps, VerificationSpec(deps.config),
                                                   RecoverySpec(deps.config), kSessionMethod);
}

}  // namespace bia::strategy::code
