// The PostgreSQL backend of the repository contract suites (persistence/testing/): a database per
// test on the suite's private cluster with every repository on it, plus raw reads past the
// repositories. Test-only; included by the *_dbtest.cpp files of this folder.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "persistence/postgres/continuity_repository_postgres.hpp"
#include "persistence/postgres/courier_repository_postgres.hpp"
#include "persistence/postgres/error_repository_postgres.hpp"
#include "persistence/postgres/expired_records_postgres.hpp"
#include "persistence/postgres/flow_store_postgres.hpp"
#include "persistence/postgres/identity_repository_postgres.hpp"
#include "persistence/postgres/one_time_secret_repository_postgres.hpp"
#include "persistence/postgres/postgres_test_support.hpp"
#include "persistence/postgres/session_repository_postgres.hpp"
#include "persistence/testing/backend_stores.hpp"

namespace bia::persistence::postgres {

struct PostgresTestHandle
    : persistence::testing::BackendStores<IdentityRepositoryPostgres, ContinuityRepositoryPostgres,
                                          ErrorRepositoryPostgres, ExpiredRecordsPostgres> {
    std::unique_ptr<testing::TestDatabase> database;

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
        CloseStores();
        database.reset();
    }
};

struct PostgresTestBackend {
    static std::unique_ptr<PostgresTestHandle> Make() {
        auto h = std::make_unique<PostgresTestHandle>();
        h->database = testing::TestDatabase::Create();
        Database& db = h->database->db();
        h->OpenStores(db);
        return h;
    }
    // For the self-service store contract (flow_repository_contract.hpp).
    static Database& Db(PostgresTestHandle& h) { return h.database->db(); }
    using Continuity = ContinuityRepositoryPostgres;
    using Errors = ErrorRepositoryPostgres;
};

}  // namespace bia::persistence::postgres
