#include "text/message.hpp"

#include <cstdio>

#include "core/json_text.hpp"
#include "core/time.hpp"

namespace bia::text {

using nlohmann::json;

json Message::ToJson() const {
    core::JsonObject j;
    if (context) j.Put("context", *context);
    j.Put("id", id);
    j.Put("text", text);
    j.Put("type", type);
    return std::move(j).Take();
}

void Message::AppendJson(std::string& out, nlohmann::json::error_handler_t errors) const {
    // Keys in dump()'s (sorted) order.
    out += '{';
    core::JsonMembers m(out, errors);
    if (context) m.Value("context", *context);
    m.Int("id", id);
    m.String("text", text);
    m.String("type", type);
    out += '}';
}

std::optional<Message> Message::FromJson(const json& j) {
    if (!j.is_object()) return std::nullopt;
    auto id = j.find("id");
    auto text = j.find("text");
    auto type = j.find("type");
    if (id == j.end() || !id->is_number_integer() || text == j.end() || !text->is_string() || type == j.end() ||
        !type->is_string())
        return std::nullopt;
    Message m;
    m.id = id->get<int>();
    m.text = text->get<std::string>();
    m.type = type->get<std::string>();
    if (auto c = j.find("context"); c != j.end()) m.context = *c;
    return m;
}

std::string FormatMinutes(core::Duration d) {
    const double minutes = std::chrono::duration<double>(d).count() / 60.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", minutes);
    return buf;
}

namespace {

Message Make(int id, std::string_view type, std::string text, std::optional<json> context = std::nullopt) {
    return Message{id, std::move(text), std::string(type), std::move(context)};
}

Message Info(int id, std::string text) { return Make(id, kTypeInfo, std::move(text)); }
Message Err(int id, std::string text) { return Make(id, kTypeError, std::move(text)); }

Message Expired(int id, std::string_view flow, core::TimePoint expired_at, core::TimePoint now) {
    return Make(
        id, kTypeError,
        "The " + std::string(flow) + " flow expired " + FormatMinutes(now - expired_at) +
            " minutes ago, please try again.",
        json{{"expired_at", core::FormatRfc3339(expired_at)}, {"expired_at_unix", core::UnixSeconds(expired_at)}});
}

}  // namespace

Message NewInfoLogin() { return Info(kInfoLogin, "Sign in"); }
Message NewInfoLoginTotpLabel() { return Info(kInfoLoginTotpLabel, "Authentication code"); }
Message NewInfoLoginTotp() { return Info(kInfoLoginTotp, "Use Authenticator"); }
Message NewInfoSettingsUnlinkTotp() { return Info(kInfoSettingsUnlinkTotp, "Unlink TOTP Authenticator App"); }
Message NewInfoSettingsTotpQrCode() { return Info(kInfoSettingsTotpQrCode, "Authenticator app QR code"); }
Message NewInfoSettingsTotpSecret(std::string_view secret) {
    return Make(kInfoSettingsTotpSecret, kTypeInfo, std::string(secret), json{{"secret", secret}});
}
Message NewInfoSettingsTotpSecretLabel() {
    return Info(kInfoSettingsTotpSecretLabel,
                "This is your authenticator app secret. Use it if you can not scan the QR code.");
}
Message NewInfoLoginLookupLabel() { return Info(kInfoLoginLookupLabel, "Backup recovery code"); }
Message NewInfoLoginLookup() { return Info(kInfoLoginLookup, "Use backup recovery code"); }
Message NewInfoSettingsRevealLookup() { return Info(kInfoSettingsRevealLookup, "Reveal backup recovery codes"); }
Message NewInfoSettingsRegenerateLookup() {
    return Info(kInfoSettingsRegenerateLookup, "Generate new backup recovery codes");
}
Message NewInfoSettingsLookupSecret(std::string_view secret) {
    return Make(kInfoSettingsLookupSecret, kTypeInfo, std::string(secret), json{{"secret", secret}});
}
Message NewInfoSettingsLookupSecretsLabel() {
    return Info(kInfoSettingsLookupSecretsLabel,
                "These are your back up recovery codes. Please keep them in a safe place!");
}
Message NewInfoSettingsLookupConfirm() { return Info(kInfoSettingsLookupConfirm, "Confirm backup recovery codes"); }
Message NewInfoSettingsLookupSecretUsed(core::TimePoint used_at) {
    return Make(kInfoSettingsLookupSecretUsed, kTypeInfo, "Secret was used at " + core::FormatGoTime(used_at),
                json{{"used_at", core::FormatRfc3339(used_at)}, {"used_at_unix", core::UnixSeconds(used_at)}});
}
Message NewInfoSettingsLookupSecretList(const std::vector<std::string>& shown, const std::vector<Message>& secrets) {
    std::string joined;
    for (const auto& s : shown) {
        if (!joined.empty()) joined += ", ";
        joined += s;
    }
    json list = json::array();
    for (const auto& m : secrets) list.push_back(m.ToJson());
    return Make(kInfoSettingsLookupSecretList, kTypeInfo, std::move(joined), json{{"secrets", std::move(list)}});
}
Message NewInfoSettingsDisableLookup() { return Info(kInfoSettingsDisableLookup, "Disable this method"); }
Message NewErrorValidationLookupAlreadyUsed() {
    return Err(kErrorValidationLookupAlreadyUsed, "This backup recovery code has already been used.");
}
Message NewErrorValidationNoLookup() {
    return Err(kErrorValidationNoLookup, "You have no backup recovery codes set up.");
}
Message NewErrorValidationLookupInvalid() {
    return Err(kErrorValidationLookupInvalid, "The backup recovery code is not valid.");
}
Message NewInfoLoginWebAuthn() { return Info(kInfoLoginWebAuthn, "Sign in with hardware key"); }
Message NewInfoSettingsRegisterWebAuthn() { return Info(kInfoSettingsRegisterWebAuthn, "Add security key"); }
Message NewInfoSettingsRegisterWebAuthnDisplayName() {
    return Info(kInfoSettingsRegisterWebAuthnDisplayName, "Name of the security key");
}
Message NewInfoSettingsRemoveWebAuthn(std::string_view display_name, core::TimePoint added_at) {
    return Make(kInfoSettingsRemoveWebAuthn, kTypeInfo, "Remove security key \"" + std::string(display_name) + "\"",
                json{{"display_name", display_name},
                     {"added_at", core::FormatRfc3339(added_at)},
                     {"added_at_unix", core::UnixSeconds(added_at)}});
}
Message NewErrorValidationNoWebAuthnDevice() {
    return Err(kErrorValidationNoWebAuthnDevice, "You have no WebAuthn device set up.");
}
Message NewErrorValidationSuchNoWebAuthnUser() {
    return Err(kErrorValidationSuchNoWebAuthnUser, "This account does not exist or has no security key set up.");
}
Message NewErrorValidationNoTotpDevice() {
    return Err(kErrorValidationNoTotpDevice, "You have no TOTP device set up.");
}
Message NewInfoLoginReAuth() {
    return Info(kInfoLoginReAuth, "Please confirm this action by verifying that it is you.");
}
Message NewInfoLoginMfa() { return Info(kInfoLoginMfa, "Please complete the second authentication challenge."); }
Message NewInfoRegistration() { return Info(kInfoRegistration, "Sign up"); }
Message NewInfoLoginWith(std::string_view label, std::string_view provider_id) {
    return Make(kInfoLoginWith, kTypeInfo, "Sign in with " + std::string(label),
                json{{"provider", label}, {"provider_id", provider_id}});
}
Message NewInfoRegistrationWith(std::string_view label, std::string_view provider_id) {
    return Make(kInfoRegistrationWith, kTypeInfo, "Sign up with " + std::string(label),
                json{{"provider", label}, {"provider_id", provider_id}});
}
Message NewInfoSettingsLinkOidc(std::string_view label) {
    return Make(kInfoSettingsLinkOidc, kTypeInfo, "Link " + std::string(label), json{{"provider", label}});
}
Message NewInfoSettingsUnlinkOidc(std::string_view label) {
    return Make(kInfoSettingsUnlinkOidc, kTypeInfo, "Unlink " + std::string(label), json{{"provider", label}});
}
Message NewErrorValidationDuplicateCredentialsOnOidcLink() {
    return Err(kErrorValidationDuplicateCredentialsOnOidcLink,
               "An account with the same identifier (email, phone, username, ...) exists already. Please sign in to "
               "your existing account to link your social profile.");
}
Message NewInfoSettingsUpdateSuccess() {
    return Make(kInfoSettingsUpdateSuccess, kTypeSuccess, "Your changes have been saved!");
}

Message NewRecoverySuccessful(core::TimePoint privileged_until, core::TimePoint now) {
    const std::string at = core::FormatRfc3339(privileged_until);
    return Make(kInfoRecoverySuccessful, kTypeSuccess,
                "You successfully recovered your account. Please change your password or set up an alternative "
                "login method (e.g. social sign in) within the next " +
                    FormatMinutes(privileged_until - now) + " minutes.",
                json{{"privilegedSessionExpiresAt", at},
                     {"privileged_session_expires_at", at},
                     {"privileged_session_expires_at_unix", core::UnixSeconds(privileged_until)}});
}

Message NewInfoNodeInputPassword() { return Info(kInfoNodeLabelInputPassword, "Password"); }
Message NewInfoNodeLabelGenerated(std::string_view title, std::string_view name) {
    return Make(kInfoNodeLabelGenerated, kTypeInfo, std::string(title), json{{"title", title}, {"name", name}});
}
Message NewInfoNodeLabelSave() { return Info(kInfoNodeLabelSave, "Save"); }
Message NewInfoNodeLabelId() { return Info(kInfoNodeLabelId, "ID"); }
Message NewInfoNodeLabelVerifyOtp() { return Info(kInfoNodeLabelVerifyOtp, "Verify code"); }
Message NewInfoNodeLabelSubmit() { return Info(kInfoNodeLabelSubmit, "Submit"); }
Message NewInfoNodeInputEmail() { return Info(kInfoNodeLabelEmail, "Email"); }
Message NewInfoNodeResendOtp() { return Info(kInfoNodeLabelResendOtp, "Resend code"); }
Message NewInfoNodeLabelContinue() { return Info(kInfoNodeLabelContinue, "Continue"); }
Message NewInfoNodeLabelRecoveryCode() { return Info(kInfoNodeLabelRecoveryCode, "Recovery code"); }
Message NewInfoNodeLabelVerificationCode() { return Info(kInfoNodeLabelVerificationCode, "Verification code"); }

namespace {
constexpr std::string_view kSentToAddress =
    " has been sent to the email address you provided. If you have not received an email, check the spelling of the "
    "address and make sure to use the address you registered with.";
std::string EmailSent(std::string_view what) {
    return "An email containing a " + std::string(what) + std::string(kSentToAddress);
}
}  // namespace

Message NewRecoveryEmailSent() { return Info(kInfoRecoveryEmailSent, EmailSent("recovery link")); }
Message NewRecoveryEmailWithCodeSent() { return Info(kInfoRecoveryEmailWithCodeSent, EmailSent("recovery code")); }
Message NewVerificationEmailSent() { return Info(kInfoVerificationEmailSent, EmailSent("verification link")); }
Message NewInfoSelfServiceVerificationSuccessful() {
    return Make(kInfoVerificationSuccessful, kTypeSuccess, "You successfully verified your email address.");
}
Message NewVerificationEmailWithCodeSent() {
    return Info(kInfoVerificationEmailWithCodeSent, EmailSent("verification code"));
}
Message NewErrorValidationRecoveryNoStrategyFound() {
    return Err(kErrorValidationRecoveryNoStrategyFound,
               "Could not find a strategy to recover your account with. Did you fill out the form correctly?");
}
Message NewErrorValidationVerificationNoStrategyFound() {
    return Err(kErrorValidationVerificationNoStrategyFound,
               "Could not find a strategy to verify your account with. Did you fill out the form correctly?");
}
Message NewErrorValidationRecoveryRetrySuccess() {
    return Err(kErrorValidationRecoveryRetrySuccess,
               "The request was already completed successfully and can not be retried.");
}
Message NewErrorValidationRecoveryTokenInvalidOrAlreadyUsed() {
    return Err(kErrorValidationRecoveryTokenInvalid,
               "The recovery token is invalid or has already been used. Please retry the flow.");
}
Message NewErrorValidationRecoveryCodeInvalidOrAlreadyUsed() {
    return Err(kErrorValidationRecoveryCodeInvalid,
               "The recovery code is invalid or has already been used. Please try again.");
}
Message NewErrorValidationVerificationTokenInvalidOrAlreadyUsed() {
    return Err(kErrorValidationVerificationTokenInvalid,
               "The verification token is invalid or has already been used. Please retry the flow.");
}
Message NewErrorValidationVerificationRetrySuccess() {
    return Err(kErrorValidationVerificationRetrySuccess,
               "The request was already completed successfully and can not be retried.");
}
Message NewErrorValidationVerificationCodeInvalidOrAlreadyUsed() {
    return Err(kErrorValidationVerificationCodeInvalid,
               "The verification code is invalid or has already been used. Please try again.");
}

Message NewValidationErrorGeneric(std::string_view reason) {
    return Make(kErrorValidationGeneric, kTypeError, std::string(reason), json{{"reason", reason}});
}
Message NewValidationErrorRequired(std::string_view property) {
    return Make(kErrorValidationRequired, kTypeError, "Property " + std::string(property) + " is missing.",
                json{{"property", property}});
}
Message NewErrorValidationMaxLength(int64_t max_length, int64_t actual_length) {
    return Make(kErrorValidationMaxLength, kTypeError,
                "length must be <= " + std::to_string(max_length) + ", but got " + std::to_string(actual_length),
                json{{"max_length", max_length}, {"actual_length", actual_length}});
}
Message NewErrorValidationMinLength(int64_t min_length, int64_t actual_length) {
    return Make(kErrorValidationMinLength, kTypeError,
                "length must be >= " + std::to_string(min_length) + ", but got " + std::to_string(actual_length),
                json{{"min_length", min_length}, {"actual_length", actual_length}});
}
Message NewErrorValidationInvalidFormat(std::string_view pattern) {
    return Make(kErrorValidationInvalidFormat, kTypeError, "does not match pattern " + std::string(pattern),
                json{{"pattern", pattern}});
}
Message NewErrorValidationPasswordPolicyViolation(std::string_view reason) {
    return Make(kErrorValidationPasswordPolicyViolation, kTypeError,
                "The password can not be used because " + std::string(reason) + ".", json{{"reason", reason}});
}
Message NewErrorValidationInvalidCredentials() {
    return Err(kErrorValidationInvalidCredentials,
               "The provided credentials are invalid, check for spelling mistakes in your password or username, "
               "email address, or phone number.");
}
Message NewErrorValidationDuplicateCredentials() {
    return Err(kErrorValidationDuplicateCredentials,
               "An account with the same identifier (email, phone, username, ...) exists already.");
}
Message NewErrorValidationTotpVerifierWrong() {
    return Err(kErrorValidationTotpVerifierWrong, "The provided authentication code is invalid, please try again.");
}
Message NewErrorValidationIdentifierMissing() {
    return Err(kErrorValidationIdentifierMissing,
               "Could not find any login identifiers. Did you forget to set them? This could also be caused by a "
               "server misconfiguration.");
}
Message NewErrorValidationPasswordIdentifierTooSimilar() {
    return Err(kErrorValidationPasswordIdentifierTooSimilar,
               "The password can not be used because it is too similar to the identifier.");
}
Message NewErrorValidationPasswordMinLength(int64_t min_length, int64_t actual_length) {
    return Make(kErrorValidationPasswordMinLength, kTypeError,
                "The password must be at least " + std::to_string(min_length) + " characters long, but got " +
                    std::to_string(actual_length) + ".",
                json{{"min_length", min_length}, {"actual_length", actual_length}});
}
Message NewErrorValidationPasswordMaxLength(int64_t max_length, int64_t actual_length) {
    return Make(kErrorValidationPasswordMaxLength, kTypeError,
                "The password must be at most " + std::to_string(max_length) + " characters long, but got " +
                    std::to_string(actual_length) + ".",
                json{{"max_length", max_length}, {"actual_length", actual_length}});
}
Message NewErrorValidationPasswordTooManyBreaches(int64_t breaches) {
    return Make(kErrorValidationPasswordTooManyBreaches, kTypeError,
                "The password has been found in data breaches and must no longer be used.",
                json{{"breaches", breaches}});
}
Message NewErrorValidationPasswordNewSameAsOld() {
    return Err(kErrorValidationPasswordNewSameAsOld, "The new password must be different from the old password.");
}
Message NewErrorValidationLoginNoStrategyFound() {
    return Err(kErrorValidationLoginNoStrategyFound,
               "Could not find a strategy to log you in with. Did you fill out the form correctly?");
}
Message NewErrorValidationRegistrationNoStrategyFound() {
    return Err(kErrorValidationRegistrationNoStrategyFound,
               "Could not find a strategy to sign you up with. Did you fill out the form correctly?");
}
Message NewErrorValidationSettingsNoStrategyFound() {
    return Err(kErrorValidationSettingsNoStrategyFound,
               "Could not find a strategy to update your settings. Did you fill out the form correctly?");
}

Message NewErrorValidationLoginFlowExpired(core::TimePoint expired_at, core::TimePoint now) {
    return Expired(kErrorValidationLoginFlowExpired, "login", expired_at, now);
}
Message NewErrorValidationRegistrationFlowExpired(core::TimePoint expired_at, core::TimePoint now) {
    return Expired(kErrorValidationRegistrationFlowExpired, "registration", expired_at, now);
}
Message NewErrorValidationSettingsFlowExpired(core::TimePoint expired_at, core::TimePoint now) {
    return Expired(kErrorValidationSettingsFlowExpired, "settings", expired_at, now);
}
Message NewErrorValidationRecoveryFlowExpired(core::TimePoint expired_at, core::TimePoint now) {
    return Expired(kErrorValidationRecoveryFlowExpired, "recovery", expired_at, now);
}
Message NewErrorValidationVerificationFlowExpired(core::TimePoint expired_at, core::TimePoint now) {
    return Expired(kErrorValidationVerificationFlowExpired, "verification", expired_at, now);
}

}  // namespace bia::text
