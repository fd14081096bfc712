// The cleanup and continuity-sealing contract suites on a real SQLite file (WAL, foreign keys).
#include <gtest/gtest.h>

#include <filesystem>

#include "persistence/sqlite/continuity_repository_sqlite.hpp"
#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/error_repository_sqlite.hpp"
#include "persistence/sqlite/expired_records_sqlite.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"
#include "persistence/sqlite/login_flow_repository_sqlite.hpp"
#include "persistence/sqlite/registration_flow_repository_sqlite.hpp"
#include "persistence/sqlite/session_repository_sqlite.hpp"
#include "persistence/sqlite/settings_flow_repository_sqlite.hpp"
#include "persistence/testing/expired_records_contract.hpp"

namespace bia::persistence::sqlite {
namespace {

struct SqliteCleanupHandle {
    std::filesystem::path dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<IdentityRepositorySqlite> identities_repo;
    std::unique_ptr<SessionRepositorySqlite> sessions_repo;
    std::unique_ptr<LoginFlowRepositorySqlite> login_repo;
    std::unique_ptr<RegistrationFlowRepositorySqlite> registration_repo;
    std::unique_ptr<SettingsFlowRepositorySqlite> settings_repo;
    std::unique_ptr<ContinuityRepositorySqlite> continuity_repo;
    std::unique_ptr<ErrorRepositorySqlite> errors_repo;
    std::unique_ptr<ExpiredRecordsSqlite> expired_repo;

    identity::IdentityRepository& identities() { return *identities_repo; }
    session::SessionRepository& sessions() { return *sessions_repo; }
    selfservice::login::LoginFlowRepository& login_flows() { return *login_repo; }
    selfservice::registration::RegistrationFlowRepository& registration_flows() { return *registration_repo; }
    selfservice::settings::SettingsFlowRepository& settings_flows() { return *settings_repo; }
    selfservice::ContinuityRepository& continuity() { return *continuity_repo; }
    selfservice::ErrorRepository& errors() { return *errors_repo; }
    cleanup::ExpiredRecords& expired() { return *expired_repo; }

    // Raw reads on a connection of the pool, past the repositories (and past the statement cache,
    // whose keys are string-literal addresses).
    int64_t Count(std::string_view table) {
        const std::string n = ScalarText("SELECT COUNT(*) FROM " + std::string(table), nullptr);
        return n.empty() ? -1 : std::stoll(n);
    }
    std::string RawPayload(const core::Uuid& id) {
        const std::string text = id.ToString();
        return ScalarText("SELECT payload FROM continuity_containers WHERE id = ?", &text);
    }
    std::string ScalarText(const std::string& sql, const std::string* param) {
        auto lease = db->Acquire();
        if (!lease) return {};
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2((*lease)->raw(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return {};
        if (param) sqlite3_bind_text(st, 1, param->data(), static_cast<int>(param->size()), SQLITE_TRANSIENT);
        std::string out;
        if (sqlite3_step(st) == SQLITE_ROW) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
            if (p) out.assign(p, static_cast<size_t>(sqlite3_column_bytes(st, 0)));
        }
        sqlite3_finalize(st);
        return out;
    }

    ~SqliteCleanupHandle() {
        expired_repo.reset();
        errors_repo.reset();
        continuity_repo.reset();
        settings_repo.reset();
        registration_repo.reset();
        login_repo.reset();
        sessions_repo.reset();
        identities_repo.reset();
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

struct SqliteCleanupBackend {
    static std::unique_ptr<SqliteCleanupHandle> Make() {
        auto h = std::make_unique<SqliteCleanupHandle>();
        core::SecureRandom r;
        h->dir = std::filesystem::temp_directory_path() / ("bia-cleanuptest-" + r.AlphaNumeric(12));
        std::filesystem::create_directories(h->dir);
        auto db = Database::Open("sqlite://" + (h->dir / "bia.sqlite").string() + "?_fk=true");
        EXPECT_TRUE(db);
        h->db = std::move(*db);
        auto m = h->db->Migrate();
        EXPECT_TRUE(m) << (m ? "" : m.error().reason + " " + m.error().debug);
        h->identities_repo = std::make_unique<IdentityRepositorySqlite>(*h->db);
        h->sessions_repo = std::make_unique<SessionRepositorySqlite>(*h->db);
        h->login_repo = std::make_unique<LoginFlowRepositorySqlite>(*h->db);
        h->registration_repo = std::make_unique<RegistrationFlowRepositorySqlite>(*h->db);
        h->settings_repo = std::make_unique<SettingsFlowRepositorySqlite>(*h->db);
        h->continuity_repo = std::make_unique<ContinuityRepositorySqlite>(*h->db);
        h->errors_repo = std::make_unique<ErrorRepositorySqlite>(*h->db);
        h->expired_repo = std::make_unique<ExpiredRecordsSqlite>(*h->db);
        return h;
    }
};

}  // namespace
}  // namespace bia::persistence::sqlite

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ExpiredRecordsContract, sqlite::SqliteCleanupBackend);
}  // namespace bia::persistence::testing

namespace bia::persistence::sqlite {
namespace {

// The batch deletes find their rows through the new indexes instead of scanning the tables.
TEST(SqliteCleanup, EveryBatchDeleteUsesAnIndex) {
    auto h = SqliteCleanupBackend::Make();
    const std::pair<const char*, const char*> kTables[] = {
        {"sessions", "expires_at"},
        {"continuity_containers", "expires_at"},
        {"selfservice_login_flows", "expires_at"},
        {"selfservice_registration_flows", "expires_at"},
        {"selfservice_settings_flows", "expires_at"},
        {"selfservice_errors", "created_at"},
    };
    for (const auto& [table, column] : kTables) {
        const std::string sql = std::string("EXPLAIN QUERY PLAN SELECT id FROM ") + table + " WHERE " + column +
                                " <= 1 ORDER BY " + column + " LIMIT 100";
        auto lease = h->db->Acquire();
        ASSERT_TRUE(lease);
        sqlite3_stmt* st = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2((*lease)->raw(), sql.c_str(), -1, &st, nullptr), SQLITE_OK);
        std::string plan;
        while (sqlite3_step(st) == SQLITE_ROW) {
            plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
            plan += "\n";
        }
        sqlite3_finalize(st);
        EXPECT_NE(plan.find("USING INDEX"), std::string::npos) << table << ":\n" << plan;
        EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << table << ":\n" << plan;
    }
}

}  // namespace
}  // namespace bia::persistence::sqlite
