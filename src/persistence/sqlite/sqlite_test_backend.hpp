// The SQLite backend of the repository contract suites (persistence/testing/): a fresh database
// file per test in a temp folder (the real on-disk WAL setup) with every repository on it, plus
// raw reads past the repositories. Test-only; included by the *_dbtest.cpp files of this folder.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "persistence/sqlite/continuity_repository_sqlite.hpp"
#include "persistence/sqlite/courier_repository_sqlite.hpp"
#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/error_repository_sqlite.hpp"
#include "persistence/sqlite/expired_records_sqlite.hpp"
#include "persistence/sqlite/flow_store_sqlite.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"
#include "persistence/sqlite/one_time_secret_repository_sqlite.hpp"
#include "persistence/sqlite/session_repository_sqlite.hpp"
#include "persistence/testing/backend_stores.hpp"

namespace bia::persistence::sqlite {

struct SqliteTestHandle : persistence::testing::BackendStores<IdentityRepositorySqlite, ContinuityRepositorySqlite,
                                                              ErrorRepositorySqlite, ExpiredRecordsSqlite> {
    std::filesystem::path dir;
    std::unique_ptr<Database> db;

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

    ~SqliteTestHandle() {
        CloseStores();
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

struct SqliteTestBackend {
    static std::unique_ptr<SqliteTestHandle> Make() {
        auto h = std::make_unique<SqliteTestHandle>();
        core::SecureRandom r;
        h->dir = std::filesystem::temp_directory_path() / ("bia-dbtest-" + r.AlphaNumeric(12));
        std::filesystem::create_directories(h->dir);
        auto db = Database::Open("sqlite://" + (h->dir / "bia.sqlite").string() + "?_fk=true");
        EXPECT_TRUE(db);
        h->db = std::move(*db);
        auto m = h->db->Migrate();
        EXPECT_TRUE(m) << (m ? "" : m.error().reason + " " + m.error().debug);
        h->OpenStores(*h->db);
        return h;
    }
    // For the self-service store contract (flow_repository_contract.hpp).
    static Database& Db(SqliteTestHandle& h) { return *h.db; }
    using Continuity = ContinuityRepositorySqlite;
    using Errors = ErrorRepositorySqlite;
};

}  // namespace bia::persistence::sqlite
