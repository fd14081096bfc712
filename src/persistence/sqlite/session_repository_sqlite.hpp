// session::SessionRepository on SQLite.
#pragma once

#include <memory>

#include "persistence/sqlite/database.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::sqlite {

// The backend's session::SessionRepository on `db` (which must outlive it).
std::unique_ptr<session::SessionRepository> NewSessionRepository(Database& db);

}  // namespace bia::persistence::sqlite
