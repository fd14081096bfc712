// Chooses the persistence backend from the DSN (sqlite://, file:, memory → SQLite; postgres://,
// postgresql://, cockroach:// → PostgreSQL) and hands out every repository as its interface, so
// nothing above this file knows which database runs underneath.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cleanup/expired_records.hpp"
#include "core/change_watch.hpp"
#include "core/result.hpp"
#include "core/unit_of_work.hpp"
#include "courier/message_repository.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/recovery/recovery_flow.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/settings/settings_flow.hpp"
#include "selfservice/verification/verification_flow.hpp"
#include "session/session_repository.hpp"

namespace bia::app {

struct Storage {
    // The database object (kept alive for the repositories) and its probe for /health/ready.
    std::shared_ptr<void> database;
    std::function<core::Status()> ping;
    // The database's change version when it has one (SQLite's WAL index; null on PostgreSQL): what
    // lets the whoami and settings-fetch caches skip their stamp read while nothing was written.
    const core::ChangeWatch* changes = nullptr;
    // Whether a read waits on the network (PostgreSQL): then no request is served on an I/O
    // thread (http::ServerOptions::offload_every_route).
    bool reads_wait_on_network = false;
    // Writes of several repositories committed as one transaction (the database object itself).
    core::UnitOfWork* units = nullptr;
    std::unique_ptr<identity::IdentityRepository> identities;
    std::unique_ptr<session::SessionRepository> sessions;
    std::unique_ptr<selfservice::ErrorRepository> errors;
    std::unique_ptr<selfservice::login::LoginFlowRepository> login_flows;
    std::unique_ptr<selfservice::registration::RegistrationFlowRepository> registration_flows;
    std::unique_ptr<selfservice::settings::SettingsFlowRepository> settings_flows;
    std::unique_ptr<selfservice::verification::VerificationFlowRepository> verification_flows;
    std::unique_ptr<selfservice::recovery::RecoveryFlowRepository> recovery_flows;
    std::unique_ptr<selfservice::OneTimeSecretRepository> one_time_secrets;
    // As stored: Wiring wraps it in selfservice::SealedContinuityRepository.
    std::unique_ptr<selfservice::ContinuityRepository> continuity;
    // What `bia cleanup sql` and serve's background cleanup delete through.
    std::unique_ptr<cleanup::ExpiredRecords> expired;
    // The courier's queue of outgoing email.
    std::unique_ptr<courier::MessageRepository> courier;
};

// Opens the backend. With `migrate`, pending migrations are applied (their versions are
// appended to `applied`); without it, pending migrations are an error.
core::Result<Storage> OpenStorage(const std::string& dsn, bool migrate, std::vector<std::string>* applied);

// Applies pending migrations for `dsn`; returns the versions applied.
core::Result<std::vector<std::string>> MigrateDsn(const std::string& dsn);

}  // namespace bia::app
