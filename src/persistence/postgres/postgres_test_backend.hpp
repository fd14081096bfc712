// The PostgreSQL backend of the repository contract suites (persistence/testing/): a database per
// test on the suite's private cluster with every repository on it, plus raw reads past the
// repositories. Test-only; included by the *_dbtest.cpp files of this folder.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "persistence/postgres/continuity_repository_postgres.hpp"
#include "persistence/postgres/error_repository_postgres.hpp"
#include "persistence/postgres/expired_records_postgres.hpp"
#include "persistence/postgres/flow_store_postgres.hpp"
#include "persistence/postgres/identity_repository_postgres.hpp"
#include "persistence/postgres/postgres_test_support.hpp"
#include "persistence/postgres/session_repository_postgres.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/settings/settings_flow.hpp"

namespace bia::persistence::postgres {

struct PostgresTestHandle {
    std::unique_ptr<testing::TestDatabase> database;
    std::unique_ptr<IdentityRepositoryPostgres> identities_repo;
    std::unique_ptr<SessionRepositoryPostgres> sessions_repo;
    std::unique_ptr<selfservice::login::LoginFlowRepository> login_repo;
    std::unique_ptr<selfservice::registration::RegistrationFlowRepository> registration_repo;
    std::unique_ptr<selfservice::settings::SettingsFlowRepository> settings_repo;
    std::unique_ptr<ContinuityRepositoryPostgres> continuity_repo;
    std::unique_ptr<ErrorRepositoryPostgres> errors_repo;
    std::unique_ptr<ExpiredRecordsPostgres> expired_repo;

    identity::IdentityRepository& identities() { return *identities_repo; }
    session::SessionRepository& sessions() { return *sessions_repo; }
    selfservice::login::LoginFlowRepository& login_flows() { return *login_repo; }
    selfservice::registration::RegistrationFlowRepository& registration_flows() { return *registration_repo; }
    selfservice::settings::SettingsFlowRepository& settings_flows() { return *settings_repo; }
    selfservice::ContinuityRepository& continuity() { return *continuity_repo; }
    selfservice::ErrorRepository& errors() { return *errors_repo; }
    cleanup::ExpiredRecords& expired() { return *expired_repo; }

    int64_t Count(std::string_view table) {
        auto n = database->db().Read([&](Connection& c) -> core::Result<int64_t> {
            BIA_TRY_ASSIGN(Rows r, c.Query("SELECT COUNT(*) FROM " + std::string(table)));
            return r.Int(0, 0);
        });
        return n ? *n : -1;
    }
    // The jsonb column as PostgreSQL prints it.
    std::string RawPayload(const core::Uuid& id) {
        Params p;
        p.Add(id);
        auto text = database->db().Read([&](Connection& c) -> core::Result<std::string> {
            BIA_TRY_ASSIGN(Rows r, c.Query("SELECT payload::text FROM continuity_containers WHERE id = $1", p));
            if (r.empty()) return std::string();
            return r.Text(0, 0);
        });
        return text ? *text : std::string();
    }

    ~PostgresTestHandle() {
        expired_repo.reset();
        errors_repo.reset();
        continuity_repo.reset();
        settings_repo.reset();
        registration_repo.reset();
        login_repo.reset();
        sessions_repo.reset();
        identities_repo.reset();
        database.reset();
    }
};

struct PostgresTestBackend {
    static std::unique_ptr<PostgresTestHandle> Make() {
        auto h = std::make_unique<PostgresTestHandle>();
        h->database = testing::TestDatabase::Create();
        Database& db = h->database->db();
        h->identities_repo = std::make_unique<IdentityRepositoryPostgres>(db);
        h->sessions_repo = std::make_unique<SessionRepositoryPostgres>(db);
        h->login_repo = std::make_unique<selfservice::login::LoginFlowRepository>(
            std::make_unique<FlowStorePostgres>(db, selfservice::FlowTableOf<selfservice::login::LoginFlow>()));
        h->registration_repo =
            std::make_unique<selfservice::registration::RegistrationFlowRepository>(std::make_unique<FlowStorePostgres>(
                db, selfservice::FlowTableOf<selfservice::registration::RegistrationFlow>()));
        h->settings_repo = std::make_unique<selfservice::settings::SettingsFlowRepository>(
            std::make_unique<FlowStorePostgres>(db, selfservice::FlowTableOf<selfservice::settings::SettingsFlow>()));
        h->continuity_repo = std::make_unique<ContinuityRepositoryPostgres>(db);
        h->errors_repo = std::make_unique<ErrorRepositoryPostgres>(db);
        h->expired_repo = std::make_unique<ExpiredRecordsPostgres>(db);
        return h;
    }
    // For the self-service store contract (flow_repository_contract.hpp).
    static Database& Db(PostgresTestHandle& h) { return h.database->db(); }
    using Continuity = ContinuityRepositoryPostgres;
    using Errors = ErrorRepositoryPostgres;
};

}  // namespace bia::persistence::postgres
