// The password method of the settings flow (settings-flow.md §8.2): always needs a privileged
// session; the new password passes the policy, must differ from the current one (G2), and is
// hashed on the hash pool. An identity without a password credential gets one.
#pragma once

#include "config/config.hpp"
#include "core/random.hpp"
#include "crypto/password_policy.hpp"
#include "identity/identity_service.hpp"
#include "selfservice/settings/settings_strategy.hpp"
#include "strategy/password/password_hashing.hpp"

namespace bia::strategy::password {

class PasswordSettings final : public selfservice::settings::SettingsStrategy {
  public:
    PasswordSettings(const config::Config& config, const identity::IdentityService& identities,
                     crypto::PasswordPolicy& policy, PasswordHashing& hashing, core::Random& random)
        : config_(config), identities_(identities), policy_(policy), hashing_(hashing), random_(random) {}

    std::string_view Id() const override { return kSettingsMethod; }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& sub) override;
    bool SubmitEditsForm() const override { return false; }
    // Clears the password input.
    void EchoSubmission(ui::Container& form, const nlohmann::json& body) const override;

  private:
    static constexpr std::string_view kSettingsMethod = "password";
    const config::Config& config_;
    const identity::IdentityService& identities_;
    crypto::PasswordPolicy& policy_;
    PasswordHashing& hashing_;
    core::Random& random_;
};

}  // namespace bia::strategy::password
