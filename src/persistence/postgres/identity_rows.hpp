// Reading and writing identities as rows, shared by the identity and session repositories: the
// identity row plus its four child tables are read in one round trip (a pipelined batch keyed
// by id, ids, session token, session id or credential identifier) and written as one batch.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identity/identity.hpp"
#include "persistence/postgres/connection.hpp"

namespace bia::persistence::postgres {

// The identity row's columns, table alias `i`, in the order ReadIdentity expects them.
inline constexpr std::string_view kIdentityColumns =
    "i.id, i.schema_id, i.state, i.state_changed_at, i.traits, i.metadata_public, i.metadata_admin, "
    "i.created_at, i.updated_at, i.revision";
inline constexpr int kIdentityColumnCount = 10;

// What the children queries select identities by; the parameters follow the key.
enum class IdentityKey {
    kId,                    // $1 identity id
    kIds,                   // $1 uuid[] of identity ids
    kSessionToken,          // $1 session token
    kSessionTokens,         // $1 text[] of session tokens
    kSessionId,             // $1 session id
    kCredentialIdentifier,  // $1 credential type, $2 identifier
};

// SELECTs of credentials, identifiers, verifiable and recovery addresses for `key`.
const std::array<std::string, 4>& ChildQueries(IdentityKey key);

// The identity at `row`, reading kIdentityColumnCount columns from `first_col`.
identity::Identity ReadIdentity(const Rows& rows, int row, int first_col);
// Fills credentials and addresses of `identities` from the four ChildQueries results; an
// identity listed more than once (two sessions of one person) gets them in every copy.
void AttachChildren(std::span<identity::Identity> identities, std::span<Rows> children);

// One round trip reading one snapshot: `head_sql` (whose rows carry the identity columns from
// `identity_col`) and the children queries of `key`, all with the same `params`.
struct Loaded {
    Rows head;
    std::vector<identity::Identity> identities;  // one per head row, children attached
};
core::Result<Loaded> LoadWithHead(Connection& c, std::string_view head_sql, int identity_col, IdentityKey key,
                                  const Params& params);

// The INSERT statements for an identity's credentials, identifiers and addresses.
struct Statement {
    const char* sql;
    Params params;
};
std::vector<Statement> ChildInserts(const identity::Identity& identity);

// Runs statements as one batch (one round trip); returns their results in order.
core::Result<std::vector<Rows>> RunBatch(Connection& c, const std::vector<Statement>& statements);

// 404 with the message Kratos's persister uses.
core::Error RowNotFound();

}  // namespace bia::persistence::postgres
