// What the code and link methods share in the verification and recovery flows (surrounding-api.md
// §9–10): the email form, sending a one-time secret to an address (a code to type, or a link to
// open) through the courier, and checking the secret that comes back. The methods differ only in
// the ChallengeSpec they pass: the secret's shape, the templates, the messages and labels.
// Unknown addresses get no secret — only an "invalid" notice when notify_unknown_recipients is
// set — and the answer on the flow is the same either way (no account enumeration).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "courier/mailer.hpp"
#include "identity/identity.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "text/message.hpp"

namespace bia::strategy {

inline constexpr std::string_view kEmailField = "email";
inline constexpr std::string_view kCodeField = "code";
inline constexpr std::string_view kTokenField = "token";
// Longest address accepted (RFC 5321's path limit), checked before any lookup.
inline constexpr size_t kMaxAddressLength = 320;
inline constexpr size_t kCodeLength = 6;
inline constexpr size_t kTokenLength = 32;

struct ChallengeSpec {
    std::string_view method;  // "code" or "link": the `method` of submissions and the UI group
    bool sends_code = true;   // a code to type (plus a link carrying it) rather than a link alone
    identity::AddressKind address_kind = identity::AddressKind::kVerifiable;
    selfservice::SecretKind secret_kind = selfservice::SecretKind::kVerificationCode;
    courier::Template valid_template = courier::Template::kVerificationCodeValid;
    courier::Template invalid_template = courier::Template::kVerificationCodeInvalid;
    std::string_view route_submit;  // where links point: "/self-service/verification"
    std::string_view url_field;     // template field of the link: "VerificationURL" / "RecoveryURL"
    std::string_view code_field;    // template field of the code: "VerificationCode" / "RecoveryCode"
    const config::AddressFlowConfig* flow_config = nullptr;
    const core::Duration* lifespan = nullptr;  // selfservice.methods.<method>.config.lifespan
    text::Message (*sent_message)() = nullptr;
    text::Message (*invalid_message)() = nullptr;
    text::Message (*code_label)() = nullptr;
    text::Message (*submit_label)() = nullptr;
};

// What a submission came to, before the flow kind turns it into its own attempt.
struct ChallengeOutcome {
    selfservice::AttemptState state;  // kNotResponsible, kReturnToUi (sent), kRejected, kFailed, kSucceeded
    identity::Identity identity;      // kSucceeded: who answered
    std::string address;              // kSucceeded: the address the secret was sent to
};

class AddressChallenge {
  public:
    AddressChallenge(ChallengeSpec spec, const config::Config& config, identity::IdentityRepository& identities,
                     selfservice::OneTimeSecretRepository& secrets, courier::Mailer& mailer, const core::Clock& clock,
                     core::Random& random)
        : spec_(spec),
          config_(config),
          identities_(identities),
          secrets_(secrets),
          mailer_(mailer),
          clock_(clock),
          random_(random) {}

    std::string_view method() const { return spec_.method; }
    bool sends_code() const { return spec_.sends_code; }
    std::vector<std::string> NodeOrder() const;
    // The first form: the email input and the submit button.
    void Populate(selfservice::FlowBase& flow) const;
    // A submission to a verification or recovery flow; `active` is the flow's active method.
    ChallengeOutcome Handle(const selfservice::RequestContext& ctx, selfservice::FlowBase& flow, std::string& active,
                            const nlohmann::json& body, bool from_link, bool skip_csrf = false);
    // Sends a secret for `address` of `who` and leaves the flow waiting for it (sent_email).
    core::Status SendTo(selfservice::FlowBase& flow, std::string& active, const identity::Identity& who,
                        std::string_view address);
    // A secret for `who` made without a message (admin recovery): {link, code}.
    core::Result<std::pair<std::string, std::string>> CreateWithoutMessage(selfservice::FlowBase& flow,
                                                                           std::string& active,
                                                                           const identity::Identity& who);

  private:
    ChallengeOutcome Send(selfservice::FlowBase& flow, std::string& active, const nlohmann::json& body);
    ChallengeOutcome Check(selfservice::FlowBase& flow, std::string_view secret, bool by_flow);
    // Stores a new secret for the flow (retiring earlier ones) and returns {secret, link}.
    core::Result<std::pair<std::string, std::string>> NewSecret(const selfservice::FlowBase& flow,
                                                                const identity::Identity& who, std::string_view address,
                                                                bool until_flow_expires = false);
    void ShowSent(selfservice::FlowBase& flow, std::string& active, std::string_view address) const;
    std::string Digest(std::string_view secret) const;

    ChallengeSpec spec_;
    const config::Config& config_;
    identity::IdentityRepository& identities_;
    selfservice::OneTimeSecretRepository& secrets_;
    courier::Mailer& mailer_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy
