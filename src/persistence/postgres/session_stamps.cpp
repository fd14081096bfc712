#include "persistence/postgres/session_stamps.hpp"

#include "identity/identity.hpp"

namespace bia::persistence::postgres {

session::SessionStamp ReadSessionStamp(const Rows& r, int row, int first_col) {
    return session::SessionStamp{.session_revision = r.Int(row, first_col),
                                 .identity_revision = r.Int(row, first_col + 1),
                                 .active = r.Bool(row, first_col + 2),
                                 .expires_at = r.Time(row, first_col + 3),
                                 .identity_active = r.Text(row, first_col + 4) == identity::kStateActive};
}

std::string SessionStampJoin(std::string_view kind) {
    const std::string k(kind);
    return " " + k +
           " LATERAL (SELECT revision, active, expires_at, identity_id FROM sessions WHERE token = k.token LIMIT 1) s"
           " ON true " +
           k + " LATERAL (SELECT revision, state FROM identities WHERE id = s.identity_id LIMIT 1) i ON true";
}

BatchedStatements::BatchedStatements(std::span<const std::string_view> types, std::span<const std::string_view> names,
                                     const std::function<std::string(const std::string& values)>& make) {
    for (size_t slots = 2; slots <= kMaxBatchedKeys; slots *= 2) {
        std::string values = "(VALUES ";
        int param = 0;
        for (size_t row = 0; row < slots; ++row) {
            values += row ? ", (" : "(";
            for (size_t c = 0; c < types.size(); ++c) {
                values += "$" + std::to_string(++param);
                if (row == 0) values += "::" + std::string(types[c]);
                values += ", ";
            }
            values += std::to_string(row + 1) + ")";
        }
        values += ") AS k(";
        for (std::string_view name : names) values += std::string(name) + ", ";
        values += "n)";
        sql_.push_back(make(values));
    }
}

const std::string& BatchedStatements::For(size_t n, size_t* slots) const {
    size_t i = 0;
    size_t s = 2;
    while (s < n && i + 1 < sql_.size()) {
        s *= 2;
        ++i;
    }
    *slots = s;
    return sql_[i];
}

}  // namespace bia::persistence::postgres
