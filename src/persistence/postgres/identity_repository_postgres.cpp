#include "persistence/postgres/identity_repository_postgres.hpp"

#include <algorithm>

#include "persistence/postgres/identity_rows.hpp"

namespace bia::persistence::postgres {

using core::Result;
using core::Status;
using identity::Identity;

namespace {

const std::string& HeadSql(IdentityKey key) {
    static const std::string kById = "SELECT " + std::string(kIdentityColumns) + " FROM identities i WHERE i.id = $1";
    static const std::string kByIdentifier =
        "SELECT " + std::string(kIdentityColumns) +
        " FROM identities i WHERE i.id = (SELECT identity_id FROM identity_credential_identifiers "
        "WHERE type = $1 AND identifier = $2)";
    return key == IdentityKey::kCredentialIdentifier ? kByIdentifier : kById;
}

Result<Identity> LoadOne(Database& db, IdentityKey key, const Params& params) {
    return db.Read([&](Connection& c) -> Result<Identity> {
        BIA_TRY_ASSIGN(Loaded loaded, LoadWithHead(c, HeadSql(key), 0, key, params));
        if (loaded.identities.empty()) return RowNotFound();
        return std::move(loaded.identities.front());
    });
}

Statement IdentityRowInsert(const Identity& i) {
    Params p;
    p.Add(i.id)
        .Add(i.schema_id)
        .Add(i.state)
        .Add(i.state_changed_at)
        .AddJson(i.traits)
        .AddJsonOrNull(i.metadata_public)
        .AddJsonOrNull(i.metadata_admin)
        .Add(i.created_at)
        .Add(i.updated_at);
    return {
        "INSERT INTO identities (id, schema_id, state, state_changed_at, traits, metadata_public, metadata_admin, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        std::move(p)};
}

}  // namespace

Status IdentityRepositoryPostgres::Create(const Identity& i) {
    // READ COMMITTED suffices: nobody else can write children of a row not yet committed, and a
    // concurrent claim of the same identifier or address waits on the unique index, then 409s.
    return db_.Transaction(
        [&](Connection& c) -> Status {
            std::vector<Statement> batch;
            batch.push_back(IdentityRowInsert(i));
            for (auto& s : ChildInserts(i)) batch.push_back(std::move(s));
            BIA_TRY(RunBatch(c, batch));
            return {};
        },
        Database::Isolation::kReadCommitted);
}

// `as_loaded` is not needed here: the stored children come in the UPDATE's own round trip.
Status IdentityRepositoryPostgres::Update(const Identity& i, const Identity* /*as_loaded*/) {
    return db_.Transaction(
        [&](Connection& c) -> Status {
            // The row UPDATE comes first and takes the identity's row lock (as SELECT … FOR UPDATE
            // would): a concurrent writer of the same identity waits for this commit, and its
            // DELETEs, each reading the latest committed state under READ COMMITTED, then remove
            // exactly these children. Writers queue; none sees or leaves a mix of two updates.
            Params p;
            p.Add(i.schema_id)
                .Add(i.state)
                .Add(i.state_changed_at)
                .AddJson(i.traits)
                .AddJsonOrNull(i.metadata_public)
                .AddJsonOrNull(i.metadata_admin)
                .Add(i.updated_at)
                .Add(i.id)
                .Add(i.stored_updated_at);
            // One round trip: the row UPDATE (taking the row lock), then the stored children, read
            // after it, so no other writer can change them before this transaction ends.
            std::vector<Statement> first;
            first.push_back(
                {"UPDATE identities SET schema_id = $1, state = $2, state_changed_at = $3, "
                 "traits = $4, metadata_public = $5, metadata_admin = $6, updated_at = $7, revision = revision + 1 "
                 "WHERE id = $8 AND ($9::timestamptz IS NULL OR updated_at = $9)",
                 std::move(p)});
            for (const std::string& sql : ChildQueries(IdentityKey::kId)) {
                Params q;
                q.Add(i.id);
                first.push_back({sql.c_str(), std::move(q)});
            }
            BIA_TRY_ASSIGN(std::vector<Rows> read, RunBatch(c, first));
            // Checked before the children are written: their foreign keys would turn a missing
            // identity into a constraint error instead of a 404.
            if (read[0].affected() == 0) {
                Params q;
                q.Add(i.id);
                BIA_TRY_ASSIGN(Rows exists, c.Query("SELECT 1 FROM identities WHERE id = $1", q));
                if (exists.empty()) return RowNotFound();
                return identity::ConcurrentUpdateError();
            }
            // Only the child tables whose rows changed are rewritten (a profile change touches
            // none, and then this was the only round trip).
            std::array<Identity, 1> stored;
            stored[0].id = i.id;
            AttachChildren(stored, std::span<Rows>(read).subspan(1, 4));
            const bool credentials = stored[0].credentials != i.credentials;
            const bool verifiable = stored[0].verifiable_addresses != i.verifiable_addresses;
            const bool recovery = stored[0].recovery_addresses != i.recovery_addresses;
            if (!credentials && !verifiable && !recovery) return {};
            std::vector<Statement> batch;
            auto remove = [&](const char* sql) {
                Params d;
                d.Add(i.id);
                batch.push_back({sql, std::move(d)});
            };
            if (credentials) {
                remove("DELETE FROM identity_credential_identifiers WHERE identity_id = $1");
                remove("DELETE FROM identity_credentials WHERE identity_id = $1");
            }
            if (verifiable) remove("DELETE FROM identity_verifiable_addresses WHERE identity_id = $1");
            if (recovery) remove("DELETE FROM identity_recovery_addresses WHERE identity_id = $1");
            for (auto& st : ChildInserts(i)) {
                const std::string_view sql = st.sql;
                const bool wanted = sql.find("identity_verifiable_addresses") != std::string_view::npos ? verifiable
                                    : sql.find("identity_recovery_addresses") != std::string_view::npos ? recovery
                                                                                                        : credentials;
                if (wanted) batch.push_back(std::move(st));
            }
            BIA_TRY(RunBatch(c, batch));
            return {};
        },
        Database::Isolation::kReadCommitted);
}

Result<Identity> IdentityRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return LoadOne(db_, IdentityKey::kId, p);
}

Result<Identity> IdentityRepositoryPostgres::FindByAddress(identity::AddressKind kind, std::string_view via,
                                                           std::string_view value) {
    Params p;
    p.Add(via).Add(value);
    auto id = db_.Read([&](Connection& c) -> Result<core::Uuid> {
        BIA_TRY_ASSIGN(auto rows, c.Query(kind == identity::AddressKind::kVerifiable
                                              ? "SELECT identity_id FROM identity_verifiable_addresses "
                                                "WHERE via = $1 AND value = $2"
                                              : "SELECT identity_id FROM identity_recovery_addresses "
                                                "WHERE via = $1 AND value = $2",
                                          p));
        if (rows.empty()) return core::ResourceNotFound();
        return rows.Id(0, 0);
    });
    if (!id) return std::move(id).error();
    return Get(*id);
}

Result<Identity> IdentityRepositoryPostgres::FindByCredentialIdentifier(std::string_view type,
                                                                        std::string_view identifier) {
    Params p;
    p.Add(type).Add(identifier);
    return LoadOne(db_, IdentityKey::kCredentialIdentifier, p);
}

Result<std::vector<Identity>> IdentityRepositoryPostgres::List(int64_t offset, int64_t limit) {
    return db_.Read([&](Connection& c) -> Result<std::vector<Identity>> {
        // The page and its children come from one snapshot, so an identity changed in between
        // is listed either before or after the change, never half.
        BIA_TRY(c.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
        auto page = [&]() -> Result<std::vector<Identity>> {
            // SQLite reads a negative LIMIT as "no limit" and a negative OFFSET as 0; so do we.
            Params p;
            if (limit < 0)
                p.Add(std::nullopt);
            else
                p.Add(limit);
            p.Add(std::max<int64_t>(offset, 0));
            static const std::string kPage =
                "SELECT " + std::string(kIdentityColumns) +
                " FROM identities i ORDER BY i.created_at, i.id LIMIT $1::int8 OFFSET $2::int8";
            BIA_TRY_ASSIGN(Rows rows, c.Query(kPage, p));
            std::vector<Identity> out;
            std::vector<core::Uuid> ids;
            for (int r = 0; r < rows.size(); ++r) {
                out.push_back(ReadIdentity(rows, r, 0));
                ids.push_back(out.back().id);
            }
            if (out.empty()) return out;
            Params q;
            q.AddUuidArray(ids);
            const auto& children = ChildQueries(IdentityKey::kIds);
            const std::array<Command, 4> commands = {Command{children[0], &q}, Command{children[1], &q},
                                                     Command{children[2], &q}, Command{children[3], &q}};
            BIA_TRY_ASSIGN(std::vector<Rows> results, c.Batch(commands));
            AttachChildren(out, results);
            return out;
        }();
        if (!page) {
            if (!c.IsBroken()) (void)c.Exec("ROLLBACK");
            return page;
        }
        BIA_TRY(c.Exec("COMMIT"));
        return page;
    });
}

Result<int64_t> IdentityRepositoryPostgres::Count() {
    return db_.Read([](Connection& c) -> Result<int64_t> {
        BIA_TRY_ASSIGN(Rows rows, c.Query("SELECT COUNT(*) FROM identities"));
        return rows.empty() ? 0 : rows.Int(0, 0);
    });
}

Status IdentityRepositoryPostgres::Delete(const core::Uuid& id) {
    // One statement: credentials, identifiers, addresses and sessions go by ON DELETE CASCADE.
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(id);
    BIA_TRY_ASSIGN(Rows r, lease->Query("DELETE FROM identities WHERE id = $1", p));
    if (r.affected() == 0) return RowNotFound();
    return {};
}

}  // namespace bia::persistence::postgres
