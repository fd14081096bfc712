#include "persistence/postgres/identity_rows.hpp"

#include <map>
#include <utility>

#include "core/random.hpp"

namespace bia::persistence::postgres {

using identity::Identity;
using nlohmann::json;

core::Error RowNotFound() { return core::ResourceNotFound(); }

const std::array<std::string, 4>& ChildQueries(IdentityKey key) {
    auto make = [](std::string_view where) {
        const std::string w(where);
        return std::array<std::string, 4>{
            "SELECT identity_id, id, type, config, version, created_at, updated_at FROM identity_credentials "
            "WHERE identity_id " +
                w + " ORDER BY identity_id, type",
            "SELECT identity_id, type, identifier FROM identity_credential_identifiers WHERE identity_id " + w +
                " ORDER BY identity_id, position",
            "SELECT identity_id, id, via, value, verified, status, verified_at, created_at, updated_at "
            "FROM identity_verifiable_addresses WHERE identity_id " +
                w + " ORDER BY identity_id, created_at, position",
            "SELECT identity_id, id, via, value, created_at, updated_at FROM identity_recovery_addresses "
            "WHERE identity_id " +
                w + " ORDER BY identity_id, created_at, position",
        };
    };
    static const std::array<std::string, 4> kById = make("= $1");
    static const std::array<std::string, 4> kByIds = make("= ANY($1::uuid[])");
    static const std::array<std::string, 4> kByToken = make("= (SELECT identity_id FROM sessions WHERE token = $1)");
    static const std::array<std::string, 4> kByTokens =
        make("IN (SELECT identity_id FROM sessions WHERE token = ANY($1::text[]))");
    static const std::array<std::string, 4> kBySession = make("= (SELECT identity_id FROM sessions WHERE id = $1)");
    static const std::array<std::string, 4> kByIdentifier =
        make("= (SELECT identity_id FROM identity_credential_identifiers WHERE type = $1 AND identifier = $2)");
    switch (key) {
        case IdentityKey::kId:
            return kById;
        case IdentityKey::kIds:
            return kByIds;
        case IdentityKey::kSessionToken:
            return kByToken;
        case IdentityKey::kSessionTokens:
            return kByTokens;
        case IdentityKey::kSessionId:
            return kBySession;
        case IdentityKey::kCredentialIdentifier:
            return kByIdentifier;
    }
    return kById;
}

Identity ReadIdentity(const Rows& r, int row, int c) {
    Identity i;
    i.id = r.Id(row, c);
    i.schema_id = r.Text(row, c + 1);
    i.state = r.Text(row, c + 2);
    i.state_changed_at = r.OptTime(row, c + 3);
    i.traits = r.Json(row, c + 4);
    i.metadata_public = r.Json(row, c + 5);
    i.metadata_admin = r.Json(row, c + 6);
    i.created_at = r.Time(row, c + 7);
    i.updated_at = r.Time(row, c + 8);
    i.stored_updated_at = i.updated_at;
    i.revision = r.Int(row, c + 9);
    return i;
}

void AttachChildren(std::span<Identity> identities, std::span<Rows> children) {
    std::map<core::Uuid, Identity*> by_id;
    std::vector<std::pair<Identity*, const Identity*>> copies;  // (a later copy, the first one)
    for (auto& i : identities) {
        auto [it, first] = by_id.emplace(i.id, &i);
        if (!first) copies.emplace_back(&i, it->second);
    }
    auto owner = [&](const Rows& r, int row) -> Identity* {
        auto it = by_id.find(r.Id(row, 0));
        return it == by_id.end() ? nullptr : it->second;
    };
    const Rows& creds = children[0];
    for (int k = 0; k < creds.size(); ++k) {
        Identity* i = owner(creds, k);
        if (!i) continue;
        identity::Credential cred;
        cred.type = creds.Text(k, 2);
        cred.config = creds.Json(k, 3);
        if (!cred.config.is_object()) cred.config = json::object();
        cred.version = static_cast<int>(creds.Int(k, 4));
        cred.created_at = creds.Time(k, 5);
        cred.updated_at = creds.Time(k, 6);
        i->credentials.emplace(cred.type, std::move(cred));
    }
    const Rows& idents = children[1];
    for (int k = 0; k < idents.size(); ++k) {
        Identity* i = owner(idents, k);
        if (!i) continue;
        auto it = i->credentials.find(idents.TextView(k, 1));
        if (it != i->credentials.end()) it->second.identifiers.push_back(idents.Text(k, 2));
    }
    const Rows& va = children[2];
    for (int k = 0; k < va.size(); ++k) {
        Identity* i = owner(va, k);
        if (!i) continue;
        identity::VerifiableAddress a;
        a.id = va.Id(k, 1);
        a.via = va.Text(k, 2);
        a.value = va.Text(k, 3);
        a.verified = va.Bool(k, 4);
        a.status = va.Text(k, 5);
        a.verified_at = va.OptTime(k, 6);
        a.created_at = va.Time(k, 7);
        a.updated_at = va.Time(k, 8);
        i->verifiable_addresses.push_back(std::move(a));
    }
    const Rows& ra = children[3];
    for (int k = 0; k < ra.size(); ++k) {
        Identity* i = owner(ra, k);
        if (!i) continue;
        identity::RecoveryAddress a;
        a.id = ra.Id(k, 1);
        a.via = ra.Text(k, 2);
        a.value = ra.Text(k, 3);
        a.created_at = ra.Time(k, 4);
        a.updated_at = ra.Time(k, 5);
        i->recovery_addresses.push_back(std::move(a));
    }
    for (auto [copy, first] : copies) {
        copy->credentials = first->credentials;
        copy->verifiable_addresses = first->verifiable_addresses;
        copy->recovery_addresses = first->recovery_addresses;
    }
}

core::Result<Loaded> LoadWithHead(Connection& c, std::string_view head_sql, int identity_col, IdentityKey key,
                                  const Params& params) {
    const auto& children = ChildQueries(key);
    const std::array<Command, 5> commands = {Command{head_sql, &params}, Command{children[0], &params},
                                             Command{children[1], &params}, Command{children[2], &params},
                                             Command{children[3], &params}};
    BIA_TRY_ASSIGN(std::vector<Rows> results, c.Batch(commands, /*snapshot=*/true));
    Loaded out;
    out.head = std::move(results[0]);
    for (int row = 0; row < out.head.size(); ++row) out.identities.push_back(ReadIdentity(out.head, row, identity_col));
    AttachChildren(out.identities, std::span<Rows>(results).subspan(1, 4));
    return out;
}

std::vector<Statement> ChildInserts(const Identity& i) {
    thread_local core::SecureRandom random;
    std::vector<Statement> out;
    int position = 0;
    for (const auto& [type, cred] : i.credentials) {
        const core::Uuid cred_id = core::Uuid::V4(random);
        Params p;
        p.Add(cred_id)
            .Add(i.id)
            .Add(type)
            .AddJson(cred.config)
            .Add(int64_t{cred.version})
            .Add(cred.created_at)
            .Add(cred.updated_at);
        out.push_back(
            {"INSERT INTO identity_credentials (id, identity_id, type, config, version, created_at, "
             "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
             std::move(p)});
        for (const auto& ident : cred.identifiers) {
            Params q;
            q.Add(type).Add(ident).Add(i.id).Add(cred_id).Add(position++);
            out.push_back(
                {"INSERT INTO identity_credential_identifiers (type, identifier, identity_id, credential_id, "
                 "position) VALUES ($1, $2, $3, $4, $5)",
                 std::move(q)});
        }
    }
    for (const auto& a : i.verifiable_addresses) {
        Params p;
        p.Add(a.id)
            .Add(i.id)
            .Add(a.via)
            .Add(a.value)
            .Add(a.verified)
            .Add(a.status)
            .Add(a.verified_at)
            .Add(position++)
            .Add(a.created_at)
            .Add(a.updated_at);
        out.push_back(
            {"INSERT INTO identity_verifiable_addresses (id, identity_id, via, value, verified, status, "
             "verified_at, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
             std::move(p)});
    }
    for (const auto& a : i.recovery_addresses) {
        Params p;
        p.Add(a.id).Add(i.id).Add(a.via).Add(a.value).Add(position++).Add(a.created_at).Add(a.updated_at);
        out.push_back(
            {"INSERT INTO identity_recovery_addresses (id, identity_id, via, value, position, created_at, "
             "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
             std::move(p)});
    }
    return out;
}

core::Result<std::vector<Rows>> RunBatch(Connection& c, const std::vector<Statement>& statements) {
    std::vector<Command> commands;
    commands.reserve(statements.size());
    for (const auto& s : statements) commands.push_back({s.sql, &s.params});
    return c.Batch(commands);
}

}  // namespace bia::persistence::postgres
