// The webauthn method of the settings flow (settings-flow.md §8.5): security keys, browser flows
// only. A new flow lists a remove button per stored key (disabled when removing it would lock the
// user out), the script and the registration trigger with fresh options; a submission registers
// the key the browser created (verified against the kept ceremony) or removes one. Both need CSRF
// and a privileged session; a registration raises the session (aal2, or aal1 for passwordless).
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "selfservice/settings/settings_strategy.hpp"
#include "session/aal.hpp"

namespace bia::strategy::webauthn {

class WebAuthnSettings final : public selfservice::settings::SettingsStrategy {
  public:
    WebAuthnSettings(const config::Config& config, const session::AalRules& aal_rules, const core::Clock& clock,
                     core::Random& random)
        : config_(config), aal_rules_(aal_rules), clock_(clock), random_(random) {}

    std::vector<std::string> NodeOrder() const override;
    std::string_view Id() const override;
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& sub) override;

  private:
    selfservice::settings::SettingsAttempt Register(selfservice::settings::SettingsSubmission& sub,
                                                    const std::string& response, const std::string& display_name);
    selfservice::settings::SettingsAttempt Remove(selfservice::settings::SettingsSubmission& sub,
                                                  const std::string& hex_id);

    const config::Config& config_;
    const session::AalRules& aal_rules_;  // counts first factors for the lock-out guard
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::webauthn
