// Storage contract for identities. Implemented by persistence/sqlite and persistence/postgres;
// both must pass the contract suite in persistence/testing/.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "identity/identity.hpp"

namespace bia::identity {

// Reason text of the 409 answered when an identifier or address is taken (surrounding-api.md §4).
inline constexpr std::string_view kConflictReason =
    "Unable to insert or update resource because a resource with that value exists already";

inline constexpr std::string_view kConcurrentUpdateReason =
    "The identity was changed by another request at the same time. Please reload it and try again.";
// Error id of that 409, so callers tell a stale write (retry with a fresh read) from a taken
// identifier (409 kConflictReason, no id) without comparing texts (issue 13).
inline constexpr std::string_view kConcurrentUpdateErrorId = "identity_concurrent_update";

// The 409 an Update answers when the stored identity changed since it was read.
inline core::Error ConcurrentUpdateError() {
    return core::Conflict(std::string(kConcurrentUpdateReason)).WithId(std::string(kConcurrentUpdateErrorId));
}
inline bool IsConcurrentUpdate(const core::Error& e) { return e.code == 409 && e.id == kConcurrentUpdateErrorId; }

enum class AddressKind { kVerifiable, kRecovery };

class IdentityRepository {
  public:
    virtual ~IdentityRepository() = default;

    // Inserts the identity with its credentials and addresses atomically. A duplicate credential
    // identifier (per type) or address (per via) → 409 Error with kConflictReason.
    virtual core::Status Create(const Identity& identity) = 0;
    // Replaces the identity row, its credentials and addresses atomically (same conflict rule).
    // When `stored_updated_at` is set and the stored row has another updated_at, nothing is
    // written and the answer is ConcurrentUpdateError() (409, id kConcurrentUpdateErrorId).
    // `as_loaded`, when given, is this identity as the caller loaded it (its row and children as
    // of its `revision`): a store that finds no other write came after that load may compare the
    // children with it instead of reading them again under the write lock.
    virtual core::Status Update(const Identity& identity, const Identity* as_loaded) = 0;
    core::Status Update(const Identity& identity) { return Update(identity, nullptr); }
    // 404 "Unable to locate the resource" when absent.
    virtual core::Result<Identity> Get(const core::Uuid& id) = 0;
    virtual core::Result<Identity> FindByCredentialIdentifier(std::string_view type, std::string_view identifier) = 0;
    // The identity holding a verifiable or recovery address (`via` "email", value as stored:
    // lower-cased for email); 404 when none does (surrounding-api.md §9–10).
    virtual core::Result<Identity> FindByAddress(AddressKind kind, std::string_view via, std::string_view value) = 0;
    virtual core::Result<std::vector<Identity>> List(int64_t offset, int64_t limit) = 0;
    virtual core::Result<int64_t> Count() = 0;
    // 404 when absent. Deletes credentials, addresses and sessions of the identity.
    virtual core::Status Delete(const core::Uuid& id) = 0;
};

}  // namespace bia::identity
