// The lookup_secret method of the settings flow (settings-flow.md §8.4): backup recovery codes.
// An identity without codes may generate a set (shown, not yet stored) and confirm it; one with
// codes may reveal them or disable the method. Reveal and regenerate only change the flow and
// answer "return to UI"; confirm and disable are changes of the identity. All four need CSRF and
// a privileged session.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "selfservice/settings/settings_strategy.hpp"

namespace bia::strategy::lookup_secret {

class LookupSettings final : public selfservice::settings::SettingsStrategy {
  public:
    LookupSettings(const config::Config& config, const core::Clock& clock, core::Random& random)
        : config_(config), clock_(clock), random_(random) {}

    std::vector<std::string> NodeOrder() const override;
    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& sub) override;

  private:
    const config::Config& config_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::lookup_secret
