// The cleanup and continuity-sealing contract suites on PostgreSQL (a database per test).
#include <gtest/gtest.h>

#include "persistence/postgres/continuity_repository_postgres.hpp"
#include "persistence/postgres/error_repository_postgres.hpp"
#include "persistence/postgres/expired_records_postgres.hpp"
#include "persistence/postgres/identity_repository_postgres.hpp"
#include "persistence/postgres/login_flow_repository_postgres.hpp"
#include "persistence/postgres/postgres_test_support.hpp"
#include "persistence/postgres/registration_flow_repository_postgres.hpp"
#include "persistence/postgres/session_repository_postgres.hpp"
#include "persistence/postgres/settings_flow_repository_postgres.hpp"
#include "persistence/testing/expired_records_contract.hpp"

namespace bia::persistence::postgres {
namespace {

struct PostgresCleanupHandle {
    std::unique_ptr<testing::TestDatabase> database;
    std::unique_ptr<IdentityRepositoryPostgres> identities_repo;
    std::unique_ptr<SessionRepositoryPostgres> sessions_repo;
    std::unique_ptr<LoginFlowRepositoryPostgres> login_repo;
    std::unique_ptr<RegistrationFlowRepositoryPostgres> registration_repo;
    std::unique_ptr<SettingsFlowRepositoryPostgres> settings_repo;
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

    ~PostgresCleanupHandle() {
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

struct PostgresCleanupBackend {
    static std::unique_ptr<PostgresCleanupHandle> Make() {
        auto h = std::make_unique<PostgresCleanupHandle>();
        h->database = testing::TestDatabase::Create();
        Database& db = h->database->db();
        h->identities_repo = std::make_unique<IdentityRepositoryPostgres>(db);
        h->sessions_repo = std::make_unique<SessionRepositoryPostgres>(db);
        h->login_repo = std::make_unique<LoginFlowRepositoryPostgres>(db);
        h->registration_repo = std::make_unique<RegistrationFlowRepositoryPostgres>(db);
        h->settings_repo = std::make_unique<SettingsFlowRepositoryPostgres>(db);
        h->continuity_repo = std::make_unique<ContinuityRepositoryPostgres>(db);
        h->errors_repo = std::make_unique<ErrorRepositoryPostgres>(db);
        h->expired_repo = std::make_unique<ExpiredRecordsPostgres>(db);
        return h;
    }
};

}  // namespace
}  // namespace bia::persistence::postgres

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ExpiredRecordsContract, postgres::PostgresCleanupBackend);
}  // namespace bia::persistence::testing

namespace bia::persistence::postgres {
namespace {

// The batch deletes find their rows through the new indexes instead of scanning the tables (with
// sequential scans discouraged, as a planner would choose on a table of realistic size).
TEST(PostgresCleanup, EveryBatchDeleteCanUseAnIndex) {
    auto t = testing::TestDatabase::Create();
    const std::pair<const char*, const char*> kTables[] = {
        {"sessions", "expires_at"},
        {"continuity_containers", "expires_at"},
        {"selfservice_login_flows", "expires_at"},
        {"selfservice_registration_flows", "expires_at"},
        {"selfservice_settings_flows", "expires_at"},
        {"selfservice_errors", "created_at"},
    };
    for (const auto& [table, column] : kTables) {
        auto plan = t->db().Read([&](Connection& c) -> core::Result<std::string> {
            BIA_TRY(c.Exec("SET enable_seqscan = off"));
            BIA_TRY_ASSIGN(Rows r, c.Query(std::string("EXPLAIN SELECT id FROM ") + table + " WHERE " + column +
                                           " <= now() ORDER BY " + column + " LIMIT 100"));
            std::string out;
            for (int i = 0; i < r.size(); ++i) out += r.Text(i, 0) + "\n";
            BIA_TRY(c.Exec("RESET enable_seqscan"));
            return out;
        });
        ASSERT_TRUE(plan) << plan.error().debug;
        EXPECT_NE(plan->find(std::string(table) + "_" + column + "_idx"), std::string::npos) << table << ":\n" << *plan;
    }
}

}  // namespace
}  // namespace bia::persistence::postgres
