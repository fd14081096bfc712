// The totp method of the settings flow (settings-flow.md §8.3): an identity without TOTP sees a
// fresh secret (QR code and text) and confirms it with a code, which stores the credential and
// raises the session to aal2; an identity with TOTP may unlink it. Always needs a privileged
// session.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "schema/schema.hpp"
#include "selfservice/settings/settings_strategy.hpp"

namespace bia::strategy::totp {

inline constexpr std::string_view kMethod = "totp";
inline constexpr std::string_view kCodeField = "totp_code";
inline constexpr std::string_view kUnlinkField = "totp_unlink";
inline constexpr std::string_view kQrNode = "totp_qr";
inline constexpr std::string_view kSecretNode = "totp_secret_key";
// Where a flow keeps the key URL awaiting confirmation: internal_context.totp.url.
inline constexpr std::string_view kContextKey = "totp";

class TotpSettings final : public selfservice::settings::SettingsStrategy {
  public:
    TotpSettings(const config::Config& config, const schema::SchemaRegistry& schemas, const core::Clock& clock,
                 core::Random& random)
        : config_(config), schemas_(schemas), clock_(clock), random_(random) {}

    std::vector<std::string> NodeOrder() const override {
        return {std::string(kQrNode), std::string(kSecretNode), std::string(kUnlinkField), std::string(kCodeField)};
    }
    std::string_view Id() const override { return kMethod; }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::settings::SettingsFlow& flow,
                          const identity::Identity& identity) override;
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission& sub) override;

  private:
    // `totp.config.issuer`, else the host name of the public base URL.
    std::string Issuer() const;
    // The trait marked totp account_name, else the identity id.
    std::string AccountName(const identity::Identity& identity) const;

    const config::Config& config_;
    const schema::SchemaRegistry& schemas_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::totp
