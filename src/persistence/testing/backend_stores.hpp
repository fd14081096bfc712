// Every repository of one backend on one database, as the contract suites use them: the test
// handles of persistence/sqlite and persistence/postgres derive from it with their own classes.
// Flow stores and the session repository come from the backend's NewFlowStore and
// NewSessionRepository, the courier queue from NewCourierRepository (found by argument-dependent lookup on `Db`).
// Test-only (header-only).
#pragma once

#include <memory>

#include "cleanup/expired_records.hpp"
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

namespace bia::persistence::testing {

template <class Identities, class Continuity, class Errors, class Expired>
struct BackendStores {
    std::unique_ptr<Identities> identities_repo;
    std::unique_ptr<session::SessionRepository> sessions_repo;
    std::unique_ptr<selfservice::login::LoginFlowRepository> login_repo;
    std::unique_ptr<selfservice::registration::RegistrationFlowRepository> registration_repo;
    std::unique_ptr<selfservice::settings::SettingsFlowRepository> settings_repo;
    std::unique_ptr<selfservice::verification::VerificationFlowRepository> verification_repo;
    std::unique_ptr<selfservice::recovery::RecoveryFlowRepository> recovery_repo;
    std::unique_ptr<Continuity> continuity_repo;
    std::unique_ptr<Errors> errors_repo;
    std::unique_ptr<Expired> expired_repo;
    std::unique_ptr<selfservice::OneTimeSecretRepository> secrets_repo;
    std::unique_ptr<courier::MessageRepository> courier_repo;

    identity::IdentityRepository& identities() { return *identities_repo; }
    session::SessionRepository& sessions() { return *sessions_repo; }
    selfservice::login::LoginFlowRepository& login_flows() { return *login_repo; }
    selfservice::registration::RegistrationFlowRepository& registration_flows() { return *registration_repo; }
    selfservice::settings::SettingsFlowRepository& settings_flows() { return *settings_repo; }
    selfservice::verification::VerificationFlowRepository& verification_flows() { return *verification_repo; }
    selfservice::recovery::RecoveryFlowRepository& recovery_flows() { return *recovery_repo; }
    selfservice::ContinuityRepository& continuity() { return *continuity_repo; }
    selfservice::ErrorRepository& errors() { return *errors_repo; }
    cleanup::ExpiredRecords& expired() { return *expired_repo; }
    selfservice::OneTimeSecretRepository& one_time_secrets() { return *secrets_repo; }
    courier::MessageRepository& courier() { return *courier_repo; }

    template <class Db>
    void OpenStores(Db& db) {
        identities_repo = std::make_unique<Identities>(db);
        sessions_repo = NewSessionRepository(db);
        login_repo = FlowsOn<selfservice::login::LoginFlow>(db);
        registration_repo = FlowsOn<selfservice::registration::RegistrationFlow>(db);
        settings_repo = FlowsOn<selfservice::settings::SettingsFlow>(db);
        verification_repo = FlowsOn<selfservice::verification::VerificationFlow>(db);
        recovery_repo = FlowsOn<selfservice::recovery::RecoveryFlow>(db);
        continuity_repo = std::make_unique<Continuity>(db);
        errors_repo = std::make_unique<Errors>(db);
        expired_repo = std::make_unique<Expired>(db);
        secrets_repo = NewOneTimeSecretRepository(db);
        courier_repo = NewCourierRepository(db);
    }
    // Before the database goes: repositories hold references to it.
    void CloseStores() {
        courier_repo.reset();
        secrets_repo.reset();
        expired_repo.reset();
        errors_repo.reset();
        continuity_repo.reset();
        recovery_repo.reset();
        verification_repo.reset();
        settings_repo.reset();
        registration_repo.reset();
        login_repo.reset();
        sessions_repo.reset();
        identities_repo.reset();
    }

  private:
    template <class Flow, class Db>
    static std::unique_ptr<selfservice::FlowRepository<Flow>> FlowsOn(Db& db) {
        return std::make_unique<selfservice::FlowRepository<Flow>>(NewFlowStore(db, selfservice::FlowTableOf<Flow>()));
    }
};

}  // namespace bia::persistence::testing
