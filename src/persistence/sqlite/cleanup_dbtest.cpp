// The cleanup and continuity-sealing contract suites on a real SQLite file (WAL, foreign keys).
#include <gtest/gtest.h>

#include "persistence/sqlite/sqlite_test_backend.hpp"
#include "persistence/testing/expired_records_contract.hpp"

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ExpiredRecordsContract, sqlite::SqliteTestBackend);
}  // namespace bia::persistence::testing

namespace bia::persistence::sqlite {
namespace {

// The batch deletes find their rows through the new indexes instead of scanning the tables.
TEST(SqliteCleanup, EveryBatchDeleteUsesAnIndex) {
    auto h = SqliteTestBackend::Make();
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

// Finished courier messages are found through the partial index, queued ones never scanned.
TEST(SqliteCleanup, TheCourierBatchDeleteUsesThePartialIndex) {
    auto h = SqliteTestBackend::Make();
    auto lease = h->db->Acquire();
    ASSERT_TRUE(lease);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2((*lease)->raw(),
                                 "EXPLAIN QUERY PLAN SELECT id FROM courier_messages INDEXED BY "
                                 "courier_messages_finished_idx WHERE status IN ('sent', 'abandoned') AND "
                                 "updated_at <= 1 ORDER BY updated_at LIMIT 100",
                                 -1, &st, nullptr),
              SQLITE_OK);
    std::string plan;
    while (sqlite3_step(st) == SQLITE_ROW) {
        plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
        plan += "\n";
    }
    sqlite3_finalize(st);
    EXPECT_NE(plan.find("courier_messages_finished_idx"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace bia::persistence::sqlite
