// The cleanup and continuity-sealing contract suites on PostgreSQL (a database per test).
#include <gtest/gtest.h>

#include "persistence/postgres/postgres_test_backend.hpp"
#include "persistence/testing/expired_records_contract.hpp"

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ExpiredRecordsContract, postgres::PostgresTestBackend);
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
