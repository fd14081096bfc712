// Versioned PostgreSQL schema migrations, applied in order and recorded in schema_migrations.
// The versions mirror persistence/sqlite's list one for one, so both dialects report the same
// pending set; the SQL stays within what CockroachDB also accepts.
#pragma once

#include <string_view>
#include <vector>

namespace bia::persistence::postgres {

struct Migration {
    std::string_view version;
    std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace bia::persistence::postgres
