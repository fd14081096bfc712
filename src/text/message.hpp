// UI text messages (messages.tsv): the stable numeric ids, types and English templates that
// flows attach to UI containers and nodes. Ids and texts are wire facts that clients key on, so
// each one is written once here; texts and context keys follow the G2 column of messages.tsv.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace bia::text {

inline constexpr std::string_view kTypeInfo = "info";
inline constexpr std::string_view kTypeError = "error";
inline constexpr std::string_view kTypeSuccess = "success";

// One rendered message: {"id","text","type","context"?} (settings-flow.md §7.3). `context` is
// omitted from JSON when the message kind has none (messages.tsv context_keys "-").
struct Message {
    int id = 0;
    std::string text;
    std::string type;
    std::optional<nlohmann::json> context;

    nlohmann::json ToJson() const;
    // Appends ToJson().dump(-1, ' ', false, errors) without building the DOM.
    void AppendJson(std::string& out,
                    nlohmann::json::error_handler_t errors = nlohmann::json::error_handler_t::strict) const;
    // Reads what ToJson wrote (stored flows); nullopt for anything else.
    static std::optional<Message> FromJson(const nlohmann::json& j);

    friend bool operator==(const Message&, const Message&) = default;
};

// ---- ids (messages.tsv) ----
inline constexpr int kInfoLogin = 1010001;
inline constexpr int kInfoLoginReAuth = 1010003;
inline constexpr int kInfoLoginMfa = 1010004;
inline constexpr int kInfoLoginTotpLabel = 1010006;
inline constexpr int kInfoLoginLookupLabel = 1010007;
inline constexpr int kInfoLoginWebAuthn = 1010008;
inline constexpr int kInfoLoginTotp = 1010009;
inline constexpr int kInfoLoginLookup = 1010010;
inline constexpr int kInfoRegistration = 1040001;
inline constexpr int kInfoSettingsUpdateSuccess = 1050001;
inline constexpr int kInfoSettingsUnlinkTotp = 1050004;
inline constexpr int kInfoSettingsTotpQrCode = 1050005;
inline constexpr int kInfoSettingsTotpSecret = 1050006;
inline constexpr int kInfoSettingsRevealLookup = 1050007;
inline constexpr int kInfoSettingsRegenerateLookup = 1050008;
inline constexpr int kInfoSettingsLookupSecret = 1050009;
inline constexpr int kInfoSettingsLookupSecretsLabel = 1050010;
inline constexpr int kInfoSettingsLookupConfirm = 1050011;
inline constexpr int kInfoSettingsRegisterWebAuthn = 1050012;
inline constexpr int kInfoSettingsRegisterWebAuthnDisplayName = 1050013;
inline constexpr int kInfoSettingsLookupSecretUsed = 1050014;
inline constexpr int kInfoSettingsLookupSecretList = 1050015;
inline constexpr int kInfoSettingsDisableLookup = 1050016;
inline constexpr int kInfoSettingsTotpSecretLabel = 1050017;
inline constexpr int kInfoSettingsRemoveWebAuthn = 1050018;
inline constexpr int kInfoRecoverySuccessful = 1060001;
inline constexpr int kInfoRecoveryEmailSent = 1060002;
inline constexpr int kInfoRecoveryEmailWithCodeSent = 1060003;
inline constexpr int kInfoNodeLabelSubmit = 1070005;
inline constexpr int kInfoNodeLabelEmail = 1070007;
inline constexpr int kInfoNodeLabelResendOtp = 1070008;
inline constexpr int kInfoNodeLabelContinue = 1070009;
inline constexpr int kInfoNodeLabelRecoveryCode = 1070010;
inline constexpr int kInfoNodeLabelVerificationCode = 1070011;
inline constexpr int kInfoVerificationEmailSent = 1080001;
inline constexpr int kInfoVerificationSuccessful = 1080002;
inline constexpr int kInfoVerificationEmailWithCodeSent = 1080003;
inline constexpr int kInfoNodeLabelInputPassword = 1070001;
inline constexpr int kInfoNodeLabelGenerated = 1070002;
inline constexpr int kInfoNodeLabelSave = 1070003;
inline constexpr int kInfoNodeLabelId = 1070004;
inline constexpr int kInfoNodeLabelVerifyOtp = 1070006;
inline constexpr int kErrorValidationGeneric = 4000001;
inline constexpr int kErrorValidationRequired = 4000002;
inline constexpr int kErrorValidationMinLength = 4000003;
inline constexpr int kErrorValidationInvalidFormat = 4000004;
inline constexpr int kErrorValidationPasswordPolicyViolation = 4000005;
inline constexpr int kErrorValidationInvalidCredentials = 4000006;
inline constexpr int kErrorValidationDuplicateCredentials = 4000007;
inline constexpr int kErrorValidationDuplicateCredentialsOnOidcLink = 4000027;
inline constexpr int kInfoLoginWith = 1010002;
inline constexpr int kInfoRegistrationWith = 1040002;
inline constexpr int kInfoSettingsLinkOidc = 1050002;
inline constexpr int kInfoSettingsUnlinkOidc = 1050003;
inline constexpr int kErrorValidationTotpVerifierWrong = 4000008;
inline constexpr int kErrorValidationIdentifierMissing = 4000009;
inline constexpr int kErrorValidationNoTotpDevice = 4000011;
inline constexpr int kErrorValidationLookupAlreadyUsed = 4000012;
inline constexpr int kErrorValidationNoWebAuthnDevice = 4000013;
inline constexpr int kErrorValidationNoLookup = 4000014;
inline constexpr int kErrorValidationSuchNoWebAuthnUser = 4000015;
inline constexpr int kErrorValidationLookupInvalid = 4000016;
inline constexpr int kErrorValidationMaxLength = 4000017;
inline constexpr int kErrorValidationPasswordIdentifierTooSimilar = 4000031;
inline constexpr int kErrorValidationPasswordMinLength = 4000032;
inline constexpr int kErrorValidationPasswordMaxLength = 4000033;
inline constexpr int kErrorValidationPasswordTooManyBreaches = 4000034;
inline constexpr int kErrorValidationPasswordNewSameAsOld = 4000039;
inline constexpr int kErrorValidationLoginFlowExpired = 4010001;
inline constexpr int kErrorValidationLoginNoStrategyFound = 4010002;
inline constexpr int kErrorValidationRegistrationNoStrategyFound = 4010003;
inline constexpr int kErrorValidationSettingsNoStrategyFound = 4010004;
inline constexpr int kErrorValidationRecoveryNoStrategyFound = 4010005;
inline constexpr int kErrorValidationVerificationNoStrategyFound = 4010006;
inline constexpr int kErrorValidationRegistrationFlowExpired = 4040001;
inline constexpr int kErrorValidationSettingsFlowExpired = 4050001;
inline constexpr int kErrorValidationRecoveryRetrySuccess = 4060001;
inline constexpr int kErrorValidationRecoveryTokenInvalid = 4060004;
inline constexpr int kErrorValidationRecoveryFlowExpired = 4060005;
inline constexpr int kErrorValidationRecoveryCodeInvalid = 4060006;
inline constexpr int kErrorValidationVerificationTokenInvalid = 4070001;
inline constexpr int kErrorValidationVerificationRetrySuccess = 4070002;
inline constexpr int kErrorValidationVerificationFlowExpired = 4070005;
inline constexpr int kErrorValidationVerificationCodeInvalid = 4070006;

// ---- constructors (one per message kind) ----
Message NewInfoLogin();             // 1010001 "Sign in"
Message NewInfoLoginReAuth();       // 1010003
Message NewInfoLoginMfa();          // 1010004
Message NewInfoLoginTotpLabel();    // 1010006 "Authentication code"
Message NewInfoLoginTotp();         // 1010009 "Use Authenticator"
Message NewInfoLoginLookupLabel();  // 1010007 "Backup recovery code"
Message NewInfoLoginLookup();       // 1010010 "Use backup recovery code"
Message NewInfoLoginWebAuthn();     // 1010008 "Sign in with hardware key"
Message NewInfoRegistration();      // 1040001 "Sign up"
// Social sign-in buttons: `label` is the provider's label (else its id), context {provider,
// provider_id} (1010002, 1040002) or {provider} (1050002, 1050003).
Message NewInfoLoginWith(std::string_view label, std::string_view provider_id);         // 1010002
Message NewInfoRegistrationWith(std::string_view label, std::string_view provider_id);  // 1040002
Message NewInfoSettingsLinkOidc(std::string_view label);                                // 1050002
Message NewInfoSettingsUnlinkOidc(std::string_view label);                              // 1050003
Message NewErrorValidationDuplicateCredentialsOnOidcLink();                             // 4000027
Message NewInfoSettingsUpdateSuccess();                                                 // 1050001 (type success, G2)
Message NewInfoSettingsUnlinkTotp();  // 1050004 "Unlink TOTP Authenticator App"
Message NewInfoSettingsTotpQrCode();  // 1050005 "Authenticator app QR code"
// 1050006: the secret itself, with context {"secret"}.
Message NewInfoSettingsTotpSecret(std::string_view secret);
Message NewInfoSettingsTotpSecretLabel();                      // 1050017
Message NewInfoSettingsRevealLookup();                         // 1050007 "Reveal backup recovery codes"
Message NewInfoSettingsRegenerateLookup();                     // 1050008 "Generate new backup recovery codes"
Message NewInfoSettingsLookupSecret(std::string_view secret);  // 1050009, context {"secret"}
Message NewInfoSettingsLookupSecretsLabel();                   // 1050010
Message NewInfoSettingsLookupConfirm();                        // 1050011 "Confirm backup recovery codes"
// 1050014 "Secret was used at <Go's time format>", context {used_at, used_at_unix}.
Message NewInfoSettingsLookupSecretUsed(core::TimePoint used_at);
// 1050015: `shown` joined by ", ", context {"secrets": the per-code messages}.
Message NewInfoSettingsLookupSecretList(const std::vector<std::string>& shown, const std::vector<Message>& secrets);
Message NewInfoSettingsDisableLookup();                // 1050016 "Disable this method"
Message NewInfoSettingsRegisterWebAuthn();             // 1050012 "Add security key"
Message NewInfoSettingsRegisterWebAuthnDisplayName();  // 1050013 "Name of the security key"
// 1050018 `Remove security key "<name>"`, context {display_name, added_at, added_at_unix}.
Message NewInfoSettingsRemoveWebAuthn(std::string_view display_name, core::TimePoint added_at);
// 1060001: minutes until `privileged_until` as seen at `now`.
Message NewRecoverySuccessful(core::TimePoint privileged_until, core::TimePoint now);
Message NewInfoNodeInputPassword();  // 1070001 "Password"
// 1070002: a label generated from a schema `title`; `name` is the node's name (G2 context).
Message NewInfoNodeLabelGenerated(std::string_view title, std::string_view name);
Message NewInfoNodeLabelSave();              // 1070003 "Save"
Message NewInfoNodeLabelId();                // 1070004 "ID"
Message NewInfoNodeLabelVerifyOtp();         // 1070006 "Verify code"
Message NewInfoNodeLabelSubmit();            // 1070005 "Submit"
Message NewInfoNodeInputEmail();             // 1070007 "Email"
Message NewInfoNodeResendOtp();              // 1070008 "Resend code"
Message NewInfoNodeLabelContinue();          // 1070009 "Continue"
Message NewInfoNodeLabelRecoveryCode();      // 1070010 "Recovery code"
Message NewInfoNodeLabelVerificationCode();  // 1070011 "Verification code"
// Verification and recovery (surrounding-api.md §9–10).
Message NewRecoveryEmailSent();                                     // 1060002 (link sent)
Message NewRecoveryEmailWithCodeSent();                             // 1060003 (code sent)
Message NewVerificationEmailSent();                                 // 1080001 (link sent)
Message NewInfoSelfServiceVerificationSuccessful();                 // 1080002 (type success)
Message NewVerificationEmailWithCodeSent();                         // 1080003 (code sent)
Message NewErrorValidationRecoveryNoStrategyFound();                // 4010005
Message NewErrorValidationVerificationNoStrategyFound();            // 4010006
Message NewErrorValidationRecoveryRetrySuccess();                   // 4060001
Message NewErrorValidationRecoveryTokenInvalidOrAlreadyUsed();      // 4060004
Message NewErrorValidationRecoveryCodeInvalidOrAlreadyUsed();       // 4060006
Message NewErrorValidationVerificationTokenInvalidOrAlreadyUsed();  // 4070001
Message NewErrorValidationVerificationRetrySuccess();               // 4070002
Message NewErrorValidationVerificationCodeInvalidOrAlreadyUsed();   // 4070006

Message NewValidationErrorGeneric(std::string_view reason);                              // 4000001
Message NewValidationErrorRequired(std::string_view property);                           // 4000002
Message NewErrorValidationMinLength(int64_t min_length, int64_t actual_length);          // 4000003
Message NewErrorValidationMaxLength(int64_t max_length, int64_t actual_length);          // 4000017
Message NewErrorValidationInvalidFormat(std::string_view pattern);                       // 4000004
Message NewErrorValidationPasswordPolicyViolation(std::string_view reason);              // 4000005
Message NewErrorValidationInvalidCredentials();                                          // 4000006
Message NewErrorValidationDuplicateCredentials();                                        // 4000007
Message NewErrorValidationTotpVerifierWrong();                                           // 4000008
Message NewErrorValidationIdentifierMissing();                                           // 4000009
Message NewErrorValidationNoTotpDevice();                                                // 4000011
Message NewErrorValidationLookupAlreadyUsed();                                           // 4000012
Message NewErrorValidationNoLookup();                                                    // 4000014
Message NewErrorValidationLookupInvalid();                                               // 4000016
Message NewErrorValidationNoWebAuthnDevice();                                            // 4000013
Message NewErrorValidationSuchNoWebAuthnUser();                                          // 4000015
Message NewErrorValidationPasswordIdentifierTooSimilar();                                // 4000031
Message NewErrorValidationPasswordMinLength(int64_t min_length, int64_t actual_length);  // 4000032
Message NewErrorValidationPasswordMaxLength(int64_t max_length, int64_t actual_length);  // 4000033
Message NewErrorValidationPasswordTooManyBreaches(int64_t breaches);                     // 4000034
Message NewErrorValidationPasswordNewSameAsOld();                                        // 4000039
Message NewErrorValidationLoginNoStrategyFound();                                        // 4010002
Message NewErrorValidationRegistrationNoStrategyFound();                                 // 4010003
Message NewErrorValidationSettingsNoStrategyFound();                                     // 4010004

// The "flow expired N minutes ago" messages (4010001 login, 4040001 registration, 4050001
// settings): G2 context {expired_at, expired_at_unix} with the real expiry instant.
Message NewErrorValidationLoginFlowExpired(core::TimePoint expired_at, core::TimePoint now);
Message NewErrorValidationRegistrationFlowExpired(core::TimePoint expired_at, core::TimePoint now);
Message NewErrorValidationSettingsFlowExpired(core::TimePoint expired_at, core::TimePoint now);
Message NewErrorValidationRecoveryFlowExpired(core::TimePoint expired_at, core::TimePoint now);      // 4060005
Message NewErrorValidationVerificationFlowExpired(core::TimePoint expired_at, core::TimePoint now);  // 4070005

// Go's "%.2f" of a duration in minutes (used in several texts and error reasons).
std::string FormatMinutes(core::Duration d);

}  // namespace bia::text
