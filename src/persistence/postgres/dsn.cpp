#include "persistence/postgres/dsn.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <thread>

#include "core/encoding.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::persistence::postgres {

namespace {

constexpr std::string_view kSchemes[] = {"postgres://", "postgresql://", "cockroach://"};

// Keywords this libpq understands, asked from libpq itself so a newer libpq's additions pass.
const std::set<std::string, std::less<>>& LibpqKeywords() {
    static const std::set<std::string, std::less<>> kKeywords = [] {
        std::set<std::string, std::less<>> out;
        if (PQconninfoOption* opts = PQconndefaults()) {
            for (PQconninfoOption* o = opts; o->keyword; ++o) out.emplace(o->keyword);
            PQconninfoFree(opts);
        }
        return out;
    }();
    return kKeywords;
}

// Knobs of Go drivers (pgx, pop, ory/x/sqlcon) that have no meaning here.
bool IsGoDriverParam(std::string_view key) {
    static constexpr std::string_view kIgnored[] = {
        "statement_cache_capacity", "statement_cache_mode",     "description_cache_capacity",
        "default_query_exec_mode",  "prefer_simple_protocol",   "min_read_buffer_size",
        "pool_max_conns",           "pool_min_conns",           "pool_max_conn_lifetime",
        "pool_max_conn_idle_time",  "pool_health_check_period", "pool_max_conn_lifetime_jitter",
        "max_conn_lifetime_jitter", "sslpassword_file"};
    return std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored);
}

core::Error Invalid(std::string what) { return core::BadRequest("invalid PostgreSQL DSN: " + std::move(what)); }

core::Result<int> ParseCount(std::string_view key, std::string_view v, int min) {
    int n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < min)
        return Invalid(std::string(key) + " must be an integer of at least " + std::to_string(min));
    return n;
}

core::Result<core::Duration> ParseDuration(std::string_view key, std::string_view v) {
    auto d = core::ParseGoDuration(v);
    if (!d || d->count() < 0) return Invalid(std::string(key) + " must be a duration such as 30s or 5m");
    return *d;
}

std::optional<std::string> Decode(std::string_view s) { return core::PercentDecode(s, /*plus_as_space=*/false); }

// Splits "h1:5432,[::1]:5433,h3" into "h1,::1,h3" and "5432,5433," (libpq's list syntax).
core::Status SplitHosts(std::string_view list, Dsn& out) {
    std::string hosts, ports;
    bool any_port = false;
    size_t start = 0;
    while (true) {
        size_t comma = list.find(',', start);
        std::string_view item =
            list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        std::string_view host = item, port;
        if (!item.empty() && item.front() == '[') {
            size_t close = item.find(']');
            if (close == std::string_view::npos) return Invalid("unterminated IPv6 address");
            host = item.substr(1, close - 1);
            std::string_view rest = item.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') return Invalid("unexpected text after an IPv6 address");
                port = rest.substr(1);
            }
        } else if (size_t colon = item.rfind(':'); colon != std::string_view::npos) {
            host = item.substr(0, colon);
            port = item.substr(colon + 1);
        }
        if (!port.empty()) {
            BIA_TRY(ParseCount("port", port, 1));
            any_port = true;
        }
        auto decoded = Decode(host);
        if (!decoded) return Invalid("malformed %-escape in the host");
        if (!hosts.empty() || start > 0) {
            hosts += ',';
            ports += ',';
        }
        hosts += *decoded;
        ports += port;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    out.host = hosts;
    out.port = any_port ? ports : "";
    return {};
}

// Quotes a value for libpq's `options` (-c name=value): spaces and backslashes are escaped.
std::string EscapeOption(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == ' ' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

bool IsPostgresDsn(std::string_view dsn) {
    for (auto scheme : kSchemes)
        if (dsn.size() >= scheme.size() && std::equal(scheme.begin(), scheme.end(), dsn.begin(), [](char a, char b) {
                return a == (b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
            }))
            return true;
    return false;
}

core::Result<Dsn> ParseDsn(std::string_view dsn) {
    if (!IsPostgresDsn(dsn))
        return core::BadRequest(
            "unsupported DSN scheme for PostgreSQL: expected postgres://, postgresql:// "
            "or cockroach://");
    Dsn out;
    std::string_view rest = dsn.substr(dsn.find("://") + 3);
    std::string_view query;
    if (size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view authority = rest, path;
    if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
        authority = rest.substr(0, slash);
        path = rest.substr(slash + 1);
    }
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        std::string_view user = userinfo, password;
        bool has_password = false;
        if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
            user = userinfo.substr(0, colon);
            password = userinfo.substr(colon + 1);
            has_password = true;
        }
        auto u = Decode(user);
        auto p = Decode(password);
        if (!u || !p) return Invalid("malformed %-escape in the user or password");
        out.user = *u;
        if (has_password) out.password = *p;
    }
    if (!authority.empty()) BIA_TRY(SplitHosts(authority, out));
    if (!path.empty()) {
        auto db = Decode(path);
        if (!db) return Invalid("malformed %-escape in the database name");
        out.database = *db;
    }

    std::string extra_options;
    const auto& keywords = LibpqKeywords();
    const core::Query params = core::Query::Parse(query);
    for (const auto& [key, value] : params.items()) {
        if (key == "max_conns") {
            BIA_TRY_ASSIGN(out.max_conns, ParseCount(key, value, 1));
        } else if (key == "max_idle_conns") {
            BIA_TRY_ASSIGN(out.max_idle_conns, ParseCount(key, value, 0));
        } else if (key == "max_conn_lifetime") {
            BIA_TRY_ASSIGN(out.max_conn_lifetime, ParseDuration(key, value));
        } else if (key == "max_idle_conn_time" || key == "max_conn_idle_time") {
            BIA_TRY_ASSIGN(out.max_conn_idle_time, ParseDuration(key, value));
        } else if (key == "query_timeout") {
            BIA_TRY_ASSIGN(out.query_timeout, ParseDuration(key, value));
        } else if (key == "acquire_timeout") {
            BIA_TRY_ASSIGN(out.acquire_timeout, ParseDuration(key, value));
        } else if (key == "connect_timeout") {
            BIA_TRY_ASSIGN(out.connect_timeout_seconds, ParseCount(key, value, 0));
        } else if (key == "host") {
            out.host = value;
        } else if (key == "port") {
            out.port = value;
        } else if (key == "user") {
            out.user = value;
        } else if (key == "password") {
            out.password = value;
        } else if (key == "dbname") {
            out.database = value;
        } else if (key == "options") {
            extra_options = value;
        } else if (IsGoDriverParam(key)) {
            out.ignored_params.push_back(key);
        } else if (keywords.count(key)) {
            out.libpq_params.emplace_back(key, value);
        } else {
            // A server setting (pgx sends these in the startup packet); reject names that could
            // not be one, so a typo does not travel to the server as garbage.
            bool ok = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '.';
            });
            if (!ok) return Invalid("unknown parameter \"" + key + "\"");
            out.runtime_params.emplace_back(key, value);
        }
    }
    if (!extra_options.empty()) out.libpq_params.emplace_back("options", extra_options);
    return out;
}

int Dsn::MaxConns() const {
    if (max_conns > 0) return max_conns;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<int>(2 * cores);
}

std::vector<std::pair<std::string, std::string>> Dsn::ConnectParams() const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!host.empty()) out.emplace_back("host", host);
    if (!port.empty()) out.emplace_back("port", port);
    if (!user.empty()) out.emplace_back("user", user);
    if (!password.empty()) out.emplace_back("password", password);
    if (!database.empty()) out.emplace_back("dbname", database);
    if (connect_timeout_seconds > 0) {
        // libpq rounds values below 2 up to 2 seconds; say so explicitly.
        out.emplace_back("connect_timeout", std::to_string(std::max(2, connect_timeout_seconds)));
    }
    std::string options;
    for (const auto& [k, v] : libpq_params) {
        if (k == "options")
            options = v;
        else
            out.emplace_back(k, v);
    }
    for (const auto& [k, v] : runtime_params) {
        if (!options.empty()) options += ' ';
        options += "-c " + k + "=" + EscapeOption(v);
    }
    if (!options.empty()) out.emplace_back("options", options);
    return out;
}

std::string Dsn::Redacted() const {
    std::string s = "postgres://";
    if (!user.empty() || !password.empty()) {
        s += core::PercentEncode(user, false);
        if (!password.empty()) s += ":xxxxx";
        s += '@';
    }
    s += host;
    if (!port.empty()) s += ":" + port;
    s += "/" + core::PercentEncode(database, false);
    return s;
}

}  // namespace bia::persistence::postgres
