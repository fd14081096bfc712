// selfservice::OneTimeSecretRepository on PostgreSQL.
#pragma once

#include <memory>

#include "persistence/postgres/database.hpp"
#include "selfservice/flow/one_time_secret.hpp"

namespace bia::persistence::postgres {

std::unique_ptr<selfservice::OneTimeSecretRepository> NewOneTimeSecretRepository(Database& db);

}  // namespace bia::persistence::postgres
