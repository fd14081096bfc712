#include "persistence/sqlite/identity_repository_sqlite.hpp"

#include "core/random.hpp"

namespace bia::persistence::sqlite {

using core::Result;
using core::Status;
using identity::Identity;
using nlohmann::json;

namespace {

std::string DumpOrNull(const json& j) { return j.dump(); }

json ParseStored(std::string_view text) {
    if (text.empty()) return nullptr;
    auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? json(nullptr) : j;
}

constexpr const char* kSelectIdentity =
    "SELECT id, schema_id, state, state_changed_at, traits, metadata_public, metadata_admin, created_at, "
    "updated_at, revision FROM identities WHERE id = ?";

Identity ReadIdentityRow(Statement& st) {
    Identity i;
    i.id = st.Id(0);
    i.schema_id = st.Text(1);
    i.state = st.Text(2);
    i.state_changed_at = st.OptTime(3);
    i.traits = ParseStored(st.TextView(4));
    if (!st.IsNull(5)) i.metadata_public = ParseStored(st.TextView(5));
    if (!st.IsNull(6)) i.metadata_admin = ParseStored(st.TextView(6));
    i.created_at = st.Time(7);
    i.updated_at = st.Time(8);
    i.stored_updated_at = i.updated_at;
    i.revision = st.Int(9);
    return i;
}

Status InsertIdentityRow(Connection& c, const Identity& i) {
    BIA_TRY_ASSIGN(auto st,
                   c.Prepare("INSERT INTO identities (id, schema_id, state, state_changed_at, traits, metadata_public, "
                             "metadata_admin, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, i.id).Bind(2, i.schema_id).Bind(3, i.state).BindOpt(4, i.state_changed_at).Bind(5, i.traits.dump());
    if (i.metadata_public.is_null())
        st.Bind(6, std::nullopt);
    else
        st.Bind(6, DumpOrNull(i.metadata_public));
    if (i.metadata_admin.is_null())
        st.Bind(7, std::nullopt);
    else
        st.Bind(7, DumpOrNull(i.metadata_admin));
    st.Bind(8, i.created_at).Bind(9, i.updated_at);
    return st.Run();
}

}  // namespace

Status IdentityRepositorySqlite::WriteChildren(Connection& c, const Identity& i) {
    BIA_TRY(WriteCredentials(c, i));
    BIA_TRY(WriteVerifiableAddresses(c, i));
    return WriteRecoveryAddresses(c, i);
}

Status IdentityRepositorySqlite::WriteCredentials(Connection& c, const Identity& i) {
    thread_local core::SecureRandom random;
    for (const auto& [type, cred] : i.credentials) {
        const core::Uuid cred_id = core::Uuid::V4(random);
        {
            BIA_TRY_ASSIGN(
                auto st,
                c.Prepare(
                    "INSERT INTO identity_credentials (id, identity_id, type, config, version, created_at, updated_at) "
                    "VALUES (?,?,?,?,?,?,?)"));
            st.Bind(1, cred_id)
                .Bind(2, i.id)
                .Bind(3, type)
                .Bind(4, cred.config.dump())
                .Bind(5, static_cast<int64_t>(cred.version))
                .Bind(6, cred.created_at)
                .Bind(7, cred.updated_at);
            BIA_TRY(st.Run());
        }
        for (const auto& ident : cred.identifiers) {
            BIA_TRY_ASSIGN(
                auto st,
                c.Prepare("INSERT INTO identity_credential_identifiers (type, identifier, identity_id, credential_id) "
                          "VALUES (?,?,?,?)"));
            st.Bind(1, type).Bind(2, ident).Bind(3, i.id).Bind(4, cred_id);
            BIA_TRY(st.Run());
        }
    }
    return {};
}

Status IdentityRepositorySqlite::WriteVerifiableAddresses(Connection& c, const Identity& i) {
    for (const auto& a : i.verifiable_addresses) {
        BIA_TRY_ASSIGN(
            auto st,
            c.Prepare("INSERT INTO identity_verifiable_addresses (id, identity_id, via, value, verified, status, "
                      "verified_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)"));
        st.Bind(1, a.id)
            .Bind(2, i.id)
            .Bind(3, a.via)
            .Bind(4, a.value)
            .Bind(5, int64_t{a.verified ? 1 : 0})
            .Bind(6, a.status)
            .BindOpt(7, a.verified_at)
            .Bind(8, a.created_at)
            .Bind(9, a.updated_at);
        BIA_TRY(st.Run());
    }
    return {};
}

Status IdentityRepositorySqlite::WriteRecoveryAddresses(Connection& c, const Identity& i) {
    for (const auto& a : i.recovery_addresses) {
        BIA_TRY_ASSIGN(
            auto st,
            c.Prepare("INSERT INTO identity_recovery_addresses (id, identity_id, via, value, created_at, updated_at) "
                      "VALUES (?,?,?,?,?,?)"));
        st.Bind(1, a.id).Bind(2, i.id).Bind(3, a.via).Bind(4, a.value).Bind(5, a.created_at).Bind(6, a.updated_at);
        BIA_TRY(st.Run());
    }
    return {};
}

Status IdentityRepositorySqlite::LoadChildren(Connection& c, Identity& i) {
    const std::string id = i.id.ToString();
    {
        BIA_TRY_ASSIGN(auto st,
                       c.Prepare("SELECT id, type, config, version, created_at, updated_at FROM identity_credentials "
                                 "WHERE identity_id = ? ORDER BY type"));
        st.Bind(1, id);
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            identity::Credential cred;
            cred.type = st.Text(1);
            cred.config = ParseStored(st.TextView(2));
            if (!cred.config.is_object()) cred.config = json::object();
            cred.version = static_cast<int>(st.Int(3));
            cred.created_at = st.Time(4);
            cred.updated_at = st.Time(5);
            i.credentials.emplace(cred.type, std::move(cred));
        }
    }
    {
        BIA_TRY_ASSIGN(auto st,
                       c.Prepare("SELECT type, identifier FROM identity_credential_identifiers WHERE identity_id = ? "
                                 "ORDER BY rowid"));
        st.Bind(1, id);
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            auto it = i.credentials.find(st.TextView(0));
            if (it != i.credentials.end()) it->second.identifiers.push_back(st.Text(1));
        }
    }
    {
        BIA_TRY_ASSIGN(
            auto st, c.Prepare("SELECT id, via, value, verified, status, verified_at, created_at, updated_at "
                               "FROM identity_verifiable_addresses WHERE identity_id = ? ORDER BY created_at, rowid"));
        st.Bind(1, id);
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            identity::VerifiableAddress a;
            a.id = st.Id(0);
            a.via = st.Text(1);
            a.value = st.Text(2);
            a.verified = st.Int(3) != 0;
            a.status = st.Text(4);
            a.verified_at = st.OptTime(5);
            a.created_at = st.Time(6);
            a.updated_at = st.Time(7);
            i.verifiable_addresses.push_back(std::move(a));
        }
    }
    {
        BIA_TRY_ASSIGN(auto st,
                       c.Prepare("SELECT id, via, value, created_at, updated_at FROM identity_recovery_addresses "
                                 "WHERE identity_id = ? ORDER BY created_at, rowid"));
        st.Bind(1, id);
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            identity::RecoveryAddress a;
            a.id = st.Id(0);
            a.via = st.Text(1);
            a.value = st.Text(2);
            a.created_at = st.Time(3);
            a.updated_at = st.Time(4);
            i.recovery_addresses.push_back(std::move(a));
        }
    }
    return {};
}

Result<Identity> IdentityRepositorySqlite::LoadById(Connection& c, const core::Uuid& id) {
    Identity i;
    {
        BIA_TRY_ASSIGN(auto st, c.Prepare(kSelectIdentity));
        st.Bind(1, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return core::ResourceNotFound();
        i = ReadIdentityRow(st);
    }
    BIA_TRY(LoadChildren(c, i));
    return i;
}

Status IdentityRepositorySqlite::Create(const Identity& i) {
    return db_.Transaction([&](Connection& c) -> Status {
        BIA_TRY(InsertIdentityRow(c, i));
        return WriteChildren(c, i);
    });
}

Status IdentityRepositorySqlite::Update(const Identity& i, const Identity* as_loaded) {
    return db_.Transaction([&](Connection& c) -> Status {
        std::optional<int64_t> revision;  // the row's, after this write; none when nothing was written
        {
            BIA_TRY_ASSIGN(
                auto st, c.Prepare("UPDATE identities SET schema_id = ?, state = ?, state_changed_at = ?, traits = ?, "
                                   "metadata_public = ?, metadata_admin = ?, updated_at = ?, revision = revision + 1 "
                                   "WHERE id = ? AND (? = 0 OR "
                                   "updated_at = ?) RETURNING revision"));
            st.Bind(1, i.schema_id).Bind(2, i.state).BindOpt(3, i.state_changed_at).Bind(4, i.traits.dump());
            if (i.metadata_public.is_null())
                st.Bind(5, std::nullopt);
            else
                st.Bind(5, i.metadata_public.dump());
            if (i.metadata_admin.is_null())
                st.Bind(6, std::nullopt);
            else
                st.Bind(6, i.metadata_admin.dump());
            st.Bind(7, i.updated_at).Bind(8, i.id).Bind(9, int64_t{i.stored_updated_at ? 1 : 0});
            if (i.stored_updated_at)
                st.Bind(10, *i.stored_updated_at);
            else
                st.Bind(10, int64_t{0});
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (row) revision = st.Int(0);
            BIA_TRY(st.Run());
        }
        if (!revision) {
            BIA_TRY_ASSIGN(auto exists, c.Prepare("SELECT 1 FROM identities WHERE id = ?"));
            exists.Bind(1, i.id);
            BIA_TRY_ASSIGN(bool row, exists.Step());
            if (!row) return core::ResourceNotFound();
            return identity::ConcurrentUpdateError();
        }
        // Only the child tables whose rows changed are rewritten (a profile change touches none),
        // compared with what is stored. Every write of the identity or its children bumps the
        // row's revision, so when this write made it exactly one more than the caller's load,
        // the stored children are the ones loaded with it; otherwise they are read here, under
        // the write lock (which costs less than deleting and inserting them again).
        const std::string id = i.id.ToString();
        auto remove = [&](std::initializer_list<const char*> statements) -> Status {
            for (const char* sql : statements) {
                BIA_TRY_ASSIGN(auto st, c.Prepare(sql));
                st.Bind(1, id);
                BIA_TRY(st.Run());
            }
            return {};
        };
        Identity read;
        const Identity* stored = as_loaded;
        if (as_loaded == nullptr || as_loaded->id != i.id || *revision != as_loaded->revision + 1) {
            read.id = i.id;
            BIA_TRY(LoadChildren(c, read));
            stored = &read;
        }
        if (stored->credentials != i.credentials) {
            BIA_TRY(remove({"DELETE FROM identity_credential_identifiers WHERE identity_id = ?",
                            "DELETE FROM identity_credentials WHERE identity_id = ?"}));
            BIA_TRY(WriteCredentials(c, i));
        }
        if (stored->verifiable_addresses != i.verifiable_addresses) {
            BIA_TRY(remove({"DELETE FROM identity_verifiable_addresses WHERE identity_id = ?"}));
            BIA_TRY(WriteVerifiableAddresses(c, i));
        }
        if (stored->recovery_addresses != i.recovery_addresses) {
            BIA_TRY(remove({"DELETE FROM identity_recovery_addresses WHERE identity_id = ?"}));
            BIA_TRY(WriteRecoveryAddresses(c, i));
        }
        return {};
    });
}

Result<Identity> IdentityRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
    return LoadById(*lease, id);
}

Result<Identity> IdentityRepositorySqlite::FindByCredentialIdentifier(std::string_view type,
                                                                      std::string_view identifier) {
    BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
    core::Uuid id;
    {
        BIA_TRY_ASSIGN(
            auto st, lease->Prepare(
                         "SELECT identity_id FROM identity_credential_identifiers WHERE type = ? AND identifier = ?"));
        st.Bind(1, type).Bind(2, identifier);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return core::ResourceNotFound();
        id = st.Id(0);
    }
    return LoadById(*lease, id);
}

Result<Identity> IdentityRepositorySqlite::FindByAddress(identity::AddressKind kind, std::string_view via,
                                                         std::string_view value) {
    BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
    core::Uuid id;
    {
        BIA_TRY_ASSIGN(auto st, lease->Prepare(kind == identity::AddressKind::kVerifiable
                                                   ? "SELECT identity_id FROM identity_verifiable_addresses "
                                                     "WHERE via = ? AND value = ?"
                                                   : "SELECT identity_id FROM identity_recovery_addresses "
                                                     "WHERE via = ? AND value = ?"));
        st.Bind(1, via).Bind(2, value);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return core::ResourceNotFound();
        id = st.Id(0);
    }
    return LoadById(*lease, id);
}

Result<std::vector<Identity>> IdentityRepositorySqlite::List(int64_t offset, int64_t limit) {
    BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
    std::vector<Identity> out;
    {
        BIA_TRY_ASSIGN(
            auto st, lease->Prepare(
                         "SELECT id, schema_id, state, state_changed_at, traits, metadata_public, metadata_admin, "
                         "created_at, updated_at, revision FROM identities ORDER BY created_at, id LIMIT ? OFFSET ?"));
        st.Bind(1, limit).Bind(2, offset);
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            out.push_back(ReadIdentityRow(st));
        }
    }
    for (auto& i : out) BIA_TRY(LoadChildren(*lease, i));
    return out;
}

Result<int64_t> IdentityRepositorySqlite::Count() {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(auto st, lease->Prepare("SELECT COUNT(*) FROM identities"));
    BIA_TRY_ASSIGN(bool row, st.Step());
    return row ? st.Int(0) : 0;
}

Status IdentityRepositorySqlite::Delete(const core::Uuid& id) {
    return db_.Transaction([&](Connection& c) -> Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare("DELETE FROM identities WHERE id = ?"));
        st.Bind(1, id);
        BIA_TRY(st.Run());
        if (sqlite3_changes(c.raw()) == 0) return core::ResourceNotFound();
        return {};
    });
}

}  // namespace bia::persistence::sqlite
