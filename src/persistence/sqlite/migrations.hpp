// Versioned SQLite schema migrations, applied in order and recorded in schema_migrations.
#pragma once

#include <string_view>
#include <vector>

namespace bia::persistence::sqlite {

struct Migration {
    std::string_view version;
    std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace bia::persistence::sqlite
