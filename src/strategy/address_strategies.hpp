// The verification and recovery strategies of a method built on AddressChallenge (code, link):
// each adapts the shared challenge to its flow kind's strategy interface, so the two methods
// differ only in their ChallengeSpec.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "session/session.hpp"
#include "strategy/address_challenge.hpp"
#include "strategy/method_module.hpp"

namespace bia::strategy {

// AttemptState + what succeeded → the flow kind's attempt.
template <class Attempt, class Success>
Attempt ToAttempt(ChallengeOutcome o, Success&& success) {
    using Kind = selfservice::AttemptState::Kind;
    switch (o.state.kind) {
        case Kind::kNotResponsible:
            return Attempt::NotResponsible();
        case Kind::kRejected:
            return Attempt::Rejected(std::move(o.state.rejection));
        case Kind::kFailed:
            return Attempt::Failed(std::move(o.state.error));
        case Kind::kReturnToUi:
            return Attempt::ReturnToUi();
        case Kind::kSucceeded:
            return Attempt::Succeeded(success(o));
        case Kind::kNeedsPrivilege:
        case Kind::kRedirect:
            break;
    }
    return Attempt::Failed(core::Internal("unexpected challenge outcome"));
}

class ChallengeVerification final : public selfservice::verification::VerificationStrategy {
  public:
    explicit ChallengeVerification(AddressChallenge challenge) : challenge_(challenge) {}
    std::string_view Id() const override { return challenge_.method(); }
    std::vector<std::string> NodeOrder() const override { return challenge_.NodeOrder(); }
    core::Status Populate(const selfservice::RequestContext&, selfservice::verification::VerificationFlow& f) override {
        challenge_.Populate(f);
        return {};
    }
    selfservice::verification::VerificationAttempt Verify(const selfservice::RequestContext& ctx,
                                                          selfservice::verification::VerificationFlow& f,
                                                          const nlohmann::json& body, bool from_link) override {
        return ToAttempt<selfservice::verification::VerificationAttempt>(
            challenge_.Handle(ctx, f, f.active, body, from_link), [](ChallengeOutcome& o) {
                return selfservice::verification::VerificationSuccess{std::move(o.identity), std::move(o.address)};
            });
    }
    core::Status Send(const selfservice::RequestContext&, selfservice::verification::VerificationFlow& f,
                      const identity::Identity& who, std::string_view address) override {
        return challenge_.SendTo(f, f.active, who, address);
    }

  private:
    AddressChallenge challenge_;
};

class ChallengeRecovery final : public selfservice::recovery::RecoveryStrategy {
  public:
    // `session_method`: what the recovered session records ("code_recovery", "link_recovery").
    ChallengeRecovery(AddressChallenge challenge, std::string_view session_method, const core::Clock& clock)
        : challenge_(challenge), session_method_(session_method), clock_(clock) {}
    std::string_view Id() const override { return challenge_.method(); }
    std::vector<std::string> NodeOrder() const override { return challenge_.NodeOrder(); }
    core::Status Populate(const selfservice::RequestContext&, selfservice::recovery::RecoveryFlow& f) override {
        challenge_.Populate(f);
        return {};
    }
    selfservice::recovery::RecoveryAttempt Recover(const selfservice::RequestContext& ctx,
                                                   selfservice::recovery::RecoveryFlow& f, const nlohmann::json& body,
                                                   bool from_link) override {
        return ToAttempt<selfservice::recovery::RecoveryAttempt>(
            challenge_.Handle(ctx, f, f.active, body, from_link, f.SkipsCsrfCheck()), [this](ChallengeOutcome& o) {
                session::AuthenticationMethod m{
                    std::string(session_method_), std::string(session::kAal1), clock_.Now(), {}};
                return selfservice::recovery::RecoverySuccess{std::move(o.identity), std::move(m),
                                                              std::move(o.address)};
            });
    }
    core::Result<selfservice::recovery::AdminRecoverySecret> CreateForAdmin(selfservice::recovery::RecoveryFlow& f,
                                                                            const identity::Identity& who) override {
        BIA_TRY_ASSIGN(auto made, challenge_.CreateWithoutMessage(f, f.active, who));
        selfservice::recovery::AdminRecoverySecret out;
        out.link = std::move(made.second);
        if (challenge_.sends_code()) out.code = std::move(made.first);
        return out;
    }

  private:
    AddressChallenge challenge_;
    std::string_view session_method_;
    const core::Clock& clock_;
};

// A method that takes part in verification and recovery only (code, link): built from its two
// specs; without a secret store or mailer (unit tests of other flows) it offers no strategy.
class ChallengeMethodModule final : public MethodModule {
  public:
    ChallengeMethodModule(const MethodInfo& info, const MethodDeps& d, const ChallengeSpec& verification,
                          const ChallengeSpec& recovery, std::string_view session_method)
        : info_(info) {
        if (!d.secrets || !d.mailer) return;
        auto challenge = [&](const ChallengeSpec& spec) {
            return AddressChallenge(spec, d.config, d.identities.repository(), *d.secrets, *d.mailer, d.clock,
                                    d.random);
        };
        verification_.emplace(challenge(verification));
        recovery_.emplace(challenge(recovery), session_method, d.clock);
    }
    const MethodInfo& Info() const override { return info_; }
    selfservice::verification::VerificationStrategy* Verification() override {
        return verification_ ? &*verification_ : nullptr;
    }
    selfservice::recovery::RecoveryStrategy* Recovery() override { return recovery_ ? &*recovery_ : nullptr; }

  private:
    const MethodInfo& info_;
    std::optional<ChallengeVerification> verification_;
    std::optional<ChallengeRecovery> recovery_;
};

}  // namespace bia::strategy
