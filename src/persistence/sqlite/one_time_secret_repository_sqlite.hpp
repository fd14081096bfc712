// selfservice::OneTimeSecretRepository on SQLite.
#pragma once

#include <memory>

#include "persistence/sqlite/database.hpp"
#include "selfservice/flow/one_time_secret.hpp"

namespace bia::persistence::sqlite {

std::unique_ptr<selfservice::OneTimeSecretRepository> NewOneTimeSecretRepository(Database& db);

}  // namespace bia::persistence::sqlite
