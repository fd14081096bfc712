#include "app/storage.hpp"

#include "persistence/postgres/continuity_repository_postgres.hpp"
#include "persistence/postgres/courier_repository_postgres.hpp"
#include "persistence/postgres/database.hpp"
#include "persistence/postgres/dsn.hpp"
#include "persistence/postgres/error_repository_postgres.hpp"
#include "persistence/postgres/expired_records_postgres.hpp"
#include "persistence/postgres/flow_store_postgres.hpp"
#include "persistence/postgres/identity_repository_postgres.hpp"
#include "persistence/postgres/one_time_secret_repository_postgres.hpp"
#include "persistence/postgres/session_repository_postgres.hpp"
#include "persistence/sqlite/continuity_repository_sqlite.hpp"
#include "persistence/sqlite/courier_repository_sqlite.hpp"
#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/error_repository_sqlite.hpp"
#include "persistence/sqlite/expired_records_sqlite.hpp"
#include "persistence/sqlite/flow_store_sqlite.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"
#include "persistence/sqlite/one_time_secret_repository_sqlite.hpp"
#include "persistence/sqlite/session_repository_sqlite.hpp"

#include <type_traits>

namespace bia::app {

namespace {

template <class Db>
core::Status PrepareSchema(Db& db, bool migrate, std::vector<std::string>* applied) {
    if (migrate) {
        BIA_TRY_ASSIGN(auto versions, db.Migrate());
        if (applied) applied->insert(applied->end(), versions.begin(), versions.end());
        return {};
    }
    BIA_TRY_ASSIGN(auto pending, db.PendingMigrations());
    if (!pending.empty()) {
        return core::Unavailable("the database has " + std::to_string(pending.size()) +
                                 " pending migrations; run `bia migrate sql -e --yes` first");
    }
    return {};
}

// The backend's flow store (its NewFlowStore, found by argument-dependent lookup) for `Flow`.
template <class Flow, class Db>
std::unique_ptr<selfservice::FlowRepository<Flow>> MakeFlowRepository(Db& db) {
    return std::make_unique<selfservice::FlowRepository<Flow>>(NewFlowStore(db, selfservice::FlowTableOf<Flow>()));
}

// One backend's repository classes, selected by the `Repos` traits below.
template <class Db, class Identities, class Errors, class Continuity, class Expired>
core::Result<Storage> Assemble(std::unique_ptr<Db> db, bool migrate, std::vector<std::string>* applied) {
    BIA_TRY(PrepareSchema(*db, migrate, applied));
    Storage s;
    Db& ref = *db;
    s.identities = std::make_unique<Identities>(ref);
    s.sessions = NewSessionRepository(ref);
    s.errors = std::make_unique<Errors>(ref);
    s.login_flows = MakeFlowRepository<selfservice::login::LoginFlow>(ref);
    s.registration_flows = MakeFlowRepository<selfservice::registration::RegistrationFlow>(ref);
    s.settings_flows = MakeFlowRepository<selfservice::settings::SettingsFlow>(ref);
    s.verification_flows = MakeFlowRepository<selfservice::verification::VerificationFlow>(ref);
    s.recovery_flows = MakeFlowRepository<selfservice::recovery::RecoveryFlow>(ref);
    s.one_time_secrets = NewOneTimeSecretRepository(ref);
    s.continuity = std::make_unique<Continuity>(ref);
    s.expired = std::make_unique<Expired>(ref);
    s.courier = NewCourierRepository(ref);
    s.ping = [&ref] { return ref.Ping(); };
    if constexpr (std::is_base_of_v<core::ChangeWatch, Db>) {
        s.changes = &ref;  // SQLite
    } else {
        s.reads_wait_on_network = true;  // PostgreSQL
    }
    s.units = &ref;
    s.database = std::shared_ptr<Db>(std::move(db));
    return s;
}

}  // namespace

core::Result<Storage> OpenStorage(const std::string& dsn, bool migrate, std::vector<std::string>* applied) {
    if (persistence::postgres::IsPostgresDsn(dsn)) {
        namespace pg = persistence::postgres;
        BIA_TRY_ASSIGN(auto db, pg::Database::Open(dsn));
        return Assemble<pg::Database, pg::IdentityRepositoryPostgres, pg::ErrorRepositoryPostgres,
                        pg::ContinuityRepositoryPostgres, pg::ExpiredRecordsPostgres>(std::move(db), migrate, applied);
    }
    namespace sq = persistence::sqlite;
    BIA_TRY_ASSIGN(auto db, sq::Database::Open(dsn));
    // An in-memory database is new on every start: it always needs its schema.
    const bool memory = dsn == "memory";
    return Assemble<sq::Database, sq::IdentityRepositorySqlite, sq::ErrorRepositorySqlite,
                    sq::ContinuityRepositorySqlite, sq::ExpiredRecordsSqlite>(std::move(db), migrate || memory,
                                                                              applied);
}

core::Result<std::vector<std::string>> MigrateDsn(const std::string& dsn) {
    std::vector<std::string> applied;
    BIA_TRY_ASSIGN(auto storage, OpenStorage(dsn, true, &applied));
    (void)storage;
    return applied;
}

}  // namespace bia::app
