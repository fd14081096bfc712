// Undoing a change from the previous address (a Bia addition, docs/verification-recovery.md):
// when a settings submission replaces or removes an email address, or changes the password, the
// previous address gets a notice with a single-use link (a one-time secret, stored as an HMAC,
// valid 7 days). Opening it shows what it would undo; confirming restores the previous traits
// (and so the previous address, now verified) or removes the new password, and signs every
// device out, so the owner can recover the account with their own address.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "courier/mailer.hpp"
#include "identity/identity_service.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "session/session_repository.hpp"

namespace bia::selfservice::undo {

inline constexpr std::string_view kRoute = "/self-service/undo";
inline constexpr auto kUndoLifespan = std::chrono::hours(24 * 7);
inline constexpr std::string_view kChangeAddress = "address";
inline constexpr std::string_view kChangePassword = "password";

class UndoService final : public settings::ChangeNotice {
  public:
    UndoService(const config::Config& config, identity::IdentityService& identities,
                session::SessionRepository& sessions, OneTimeSecretRepository& secrets, courier::Mailer& mailer,
                const core::Clock& clock, core::Random& random)
        : config_(config),
          identities_(identities),
          sessions_(sessions),
          secrets_(secrets),
          mailer_(mailer),
          clock_(clock),
          random_(random) {}

    core::Status Notify(const identity::Identity& before, const identity::Identity& after,
                        std::string_view method) override;
    // What the link would undo: {"change","address","new_address"?,"expires_at"}; 400 when the
    // token is unknown, used or expired.
    core::Result<nlohmann::json> Preview(std::string_view token);
    // Undoes the change once: {"undone": "address"|"password", "identity_id"}.
    core::Result<nlohmann::json> Apply(std::string_view token);

  private:
    core::Result<OneTimeSecret> Find(std::string_view token);
    core::Status Send(const identity::Identity& before, std::string_view to, std::string_view change,
                      std::string_view new_address);

    const config::Config& config_;
    identity::IdentityService& identities_;
    session::SessionRepository& sessions_;
    OneTimeSecretRepository& secrets_;
    courier::Mailer& mailer_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::selfservice::undo
