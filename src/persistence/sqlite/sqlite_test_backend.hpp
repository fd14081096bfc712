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
#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/error_repository_sqlite.hpp"
#include "persistence/sqlite/expired_records_sqlite.hpp"
#include "persistence/sqlite/flow_store_sqlite.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"
#include "persistence/sqlite/session_repository_sqlite.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/settings/settings_flow.hpp"

namespace bia::persistence::sqlite {

struct SqliteTestHandle {
    std::filesystem::path dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<IdentityRepositorySqlite> identities_repo;
    std::unique_ptr<SessionRepositorySqlite> sessions_repo;
    std::unique_ptr<selfservice::login::LoginFlowRepository> login_repo;
    std::unique_ptr<selfservice::registration::RegistrationFlowRepository> registration_repo;
    std::unique_ptr<selfservice::settings::SettingsFlowRepository> settings_repo;
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

    ~SqliteTestHandle() {
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
        h->identities_repo = std::make_unique<IdentityRepositorySqlite>(*h->db);
        h->sessions_repo = std::make_unique<SessionRepositorySqlite>(*h->db);
        h->login_repo = std::make_unique<selfservice::login::LoginFlowRepository>(
            std::make_unique<FlowStoreSqlite>(*h->db, selfservice::FlowTableOf<selfservice::login::LoginFlow>()));
        h->registration_repo =
            std::make_unique<selfservice::registration::RegistrationFlowRepository>(std::make_unique<FlowStoreSqlite>(
                *h->db, selfservice::FlowTableOf<selfservice::registration::RegistrationFlow>()));
        h->settings_repo = std::make_unique<selfservice::settings::SettingsFlowRepository>(
            std::make_unique<FlowStoreSqlite>(*h->db, selfservice::FlowTableOf<selfservice::settings::SettingsFlow>()));
        h->continuity_repo = std::make_unique<ContinuityRepositorySqlite>(*h->db);
        h->errors_repo = std::make_unique<ErrorRepositorySqlite>(*h->db);
        h->expired_repo = std::make_unique<ExpiredRecordsSqlite>(*h->db);
        return h;
    }
    // For the self-service store contract (flow_repository_contract.hpp).
    static Database& Db(SqliteTestHandle& h) { return *h.db; }
    using Continuity = ContinuityRepositorySqlite;
    using Errors = ErrorRepositorySqlite;
};

}  // namespace bia::persistence::sqlite
