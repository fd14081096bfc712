// session::SessionRepository on PostgreSQL. A lookup by token or id that needs the identity
// reads session, identity and its children in one round trip over one snapshot; concurrent stamp
// reads, and concurrent full lookups by token (the answer caches' misses), share statements
// (read_batcher.hpp).
#pragma once

#include <cstddef>
#include <memory>

#include "persistence/postgres/database.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::postgres {

// The backend's session::SessionRepository on `db` (which must outlive it).
std::unique_ptr<session::SessionRepository> NewSessionRepository(Database& db);

// How many statements (round trips) one of the batchers of a repository made by
// NewSessionRepository sent for how many lookups (tests and diagnostics); {0, 0} for any other
// repository. StampReads: FindStamp's batcher.
struct BatchedReadStats {
    size_t statements = 0;
    size_t lookups = 0;
};
BatchedReadStats StampReads(session::SessionRepository& repo);
// FindByToken's batcher (each of its round trips carries five pipelined statements).
BatchedReadStats SessionLoads(session::SessionRepository& repo);

}  // namespace bia::persistence::postgres
