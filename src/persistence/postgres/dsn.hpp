// PostgreSQL DSNs as Kratos accepts them (postgres://user:pass@host:port/db?sslmode=…&max_conns=…),
// split into what libpq gets to connect, what sizes our pool, and server runtime parameters.
// Also accepts cockroach:// (same wire protocol) and libpq's own query keywords.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace bia::persistence::postgres {

struct Dsn {
    // Connection target; empty = libpq's default (PGHOST, the local socket, the OS user, …).
    std::string host;  // one host, a unix-socket folder, or a comma list (libpq failover)
    std::string port;  // one port or a comma list matching `host`
    std::string user;
    std::string password;
    std::string database;
    // Other libpq keywords from the query (sslmode, sslrootcert, application_name, …), in order.
    std::vector<std::pair<std::string, std::string>> libpq_params;
    // Unknown query parameters are server settings, as pgx (Kratos's driver) treats them:
    // search_path, statement_timeout, TimeZone… They are sent with the startup packet.
    std::vector<std::pair<std::string, std::string>> runtime_params;
    // Parameters that only mean something to Go drivers (statement_cache_capacity, …): accepted
    // so Kratos DSNs work unchanged, and otherwise ignored.
    std::vector<std::string> ignored_params;

    // Pool settings (Kratos: max_conns, max_idle_conns, max_conn_lifetime, max_idle_conn_time).
    int max_conns = 0;       // 0 = the default, 2 × hardware threads
    int max_idle_conns = 0;  // 0 = keep every pooled connection (the pool is small)
    std::optional<core::Duration> max_conn_lifetime;
    std::optional<core::Duration> max_conn_idle_time;
    // Bia's own: libpq waits forever by default, we do not. connect_timeout is in seconds as in
    // libpq; query_timeout and acquire_timeout are Go durations.
    int connect_timeout_seconds = 5;
    core::Duration query_timeout = std::chrono::seconds(30);
    core::Duration acquire_timeout = std::chrono::seconds(10);

    // The effective pool size.
    int MaxConns() const;
    // keyword/value pairs for PQconnectdbParams (host, port, …, options with the runtime params).
    std::vector<std::pair<std::string, std::string>> ConnectParams() const;
    // The DSN with its password replaced by "xxxxx", for logs and error messages.
    std::string Redacted() const;
};

// Whether `dsn` names a PostgreSQL-protocol database (postgres://, postgresql://, cockroach://).
bool IsPostgresDsn(std::string_view dsn);

// 400 Error when the DSN is not a PostgreSQL URL or a pool setting does not parse.
core::Result<Dsn> ParseDsn(std::string_view dsn);

}  // namespace bia::persistence::postgres
