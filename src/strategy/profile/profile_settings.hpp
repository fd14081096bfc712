// The profile method of the settings flow (settings-flow.md §8.1): one input per trait of the
// identity's schema; a submission replaces the traits entirely, and a change that touches
// credential identifiers or verifiable addresses needs a privileged session (§10.2).
#pragma once

#include "config/config.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "selfservice/settings/settings_strategy.hpp"

namespace bia::strategy::profile {

inline constexpr std::string_view kMethod = "profile";

class ProfileSettings final : public selfservice::settings::SettingsStrategy {
  public:
    ProfileSettings(const config::Config& config, const identity::IdentityService& identities, core::Random& random)
        : config_(config), identities_(identities), random_(random) {}

    std::string_view Id() const override { return kMethod; }
    std::string_view PrivilegeNeeded() const override { return selfservice::settings::kPrivilegeIdentifierChanges; }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& sub) override;
    bool SubmitEditsForm() const override { return false; }
    // The submitted traits, shown in the trait inputs.
    void EchoSubmission(ui::Container& form, const nlohmann::json& body) const override;

  private:
    const config::Config& config_;
    const identity::IdentityService& identities_;
    core::Random& random_;
};

// Whether `after` differs from `before` in what only a privileged session may change:
// credential types or identifiers, or verifiable addresses (§8.1 step 5).
bool IsProtectedChange(const identity::Identity& before, const identity::Identity& after);

}  // namespace bia::strategy::profile
