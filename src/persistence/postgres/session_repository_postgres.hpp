// session::SessionRepository on PostgreSQL. A lookup by token or id that needs the identity
// reads session, identity and its children in one round trip over one snapshot.
#pragma once

#include <memory>

#include "persistence/postgres/database.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::postgres {

// The backend's session::SessionRepository on `db` (which must outlive it).
std::unique_ptr<session::SessionRepository> NewSessionRepository(Database& db);

}  // namespace bia::persistence::postgres
