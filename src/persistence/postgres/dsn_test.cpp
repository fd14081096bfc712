#include "persistence/postgres/dsn.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace bia::persistence::postgres {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> ParamsOf(const Dsn& d) {
    std::map<std::string, std::string> m;
    for (const auto& [k, v] : d.ConnectParams()) m[k] = v;
    return m;
}

TEST(PostgresDsn, KratosStyleDsnSplitsIntoTargetPoolAndLibpqParams) {
    auto d = ParseDsn("postgres://kratos:secret@db.example:5433/kratos?sslmode=disable&max_conns=20&max_idle_conns=4");
    ASSERT_TRUE(d) << d.error().reason;
    EXPECT_EQ(d->host, "db.example");
    EXPECT_EQ(d->port, "5433");
    EXPECT_EQ(d->user, "kratos");
    EXPECT_EQ(d->password, "secret");
    EXPECT_EQ(d->database, "kratos");
    EXPECT_EQ(d->max_conns, 20);
    EXPECT_EQ(d->MaxConns(), 20);
    EXPECT_EQ(d->max_idle_conns, 4);
    auto p = ParamsOf(*d);
    EXPECT_EQ(p["host"], "db.example");
    EXPECT_EQ(p["port"], "5433");
    EXPECT_EQ(p["dbname"], "kratos");
    EXPECT_EQ(p["sslmode"], "disable");
    EXPECT_EQ(p.count("max_conns"), 0u) << "pool settings must not reach libpq, which rejects unknown keywords";
    EXPECT_EQ(p.count("options"), 0u);
}

TEST(PostgresDsn, SchemesAreCaseInsensitiveAndIncludeCockroach) {
    EXPECT_TRUE(IsPostgresDsn("postgres://h/db"));
    EXPECT_TRUE(IsPostgresDsn("postgresql://h/db"));
    EXPECT_TRUE(IsPostgresDsn("POSTGRES://h/db"));
    EXPECT_TRUE(IsPostgresDsn("cockroach://root@h:26257/defaultdb?sslmode=disable"));
    EXPECT_FALSE(IsPostgresDsn("sqlite:///tmp/x.db"));
    EXPECT_FALSE(IsPostgresDsn("memory"));
    EXPECT_FALSE(IsPostgresDsn("mysql://u@h/db"));
    EXPECT_FALSE(IsPostgresDsn("postgres:/h"));
    auto bad = ParseDsn("mysql://u@h/db");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, 400);
}

TEST(PostgresDsn, DefaultsWhenNothingIsGiven) {
    auto d = ParseDsn("postgres://");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->host, "");
    EXPECT_EQ(d->port, "");
    EXPECT_EQ(d->user, "");
    EXPECT_EQ(d->database, "");
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    EXPECT_EQ(d->MaxConns(), 2 * cores);
    EXPECT_EQ(d->max_idle_conns, 0);
    EXPECT_FALSE(d->max_conn_lifetime);
    EXPECT_EQ(d->query_timeout, 30s);
    // libpq would wait forever for a silent server; we bound the connect by default.
    auto p = ParamsOf(*d);
    EXPECT_EQ(p["connect_timeout"], "5");
    EXPECT_EQ(p.count("host"), 0u);
    EXPECT_EQ(p.count("password"), 0u);
}

TEST(PostgresDsn, PercentEscapesInUserPasswordAndDatabaseAreDecoded) {
    auto d = ParseDsn("postgresql://us%40er:p%3Aa%2Fss%40word@h/my%20db");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->user, "us@er");
    EXPECT_EQ(d->password, "p:a/ss@word");
    EXPECT_EQ(d->database, "my db");
    // A '+' in the password stays a '+' (userinfo is not form-encoded).
    auto plus = ParseDsn("postgres://u:a+b@h/db");
    ASSERT_TRUE(plus);
    EXPECT_EQ(plus->password, "a+b");
    // An '@' inside the password: the last '@' ends the userinfo.
    auto at = ParseDsn("postgres://u:p@ss@h/db");
    ASSERT_TRUE(at);
    EXPECT_EQ(at->password, "p@ss");
    EXPECT_EQ(at->host, "h");
    EXPECT_FALSE(ParseDsn("postgres://u:%zz@h/db"));
}

TEST(PostgresDsn, UserWithoutPasswordAndEmptyPassword) {
    auto d = ParseDsn("postgres://alice@h/db");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->user, "alice");
    EXPECT_EQ(d->password, "");
    EXPECT_EQ(ParamsOf(*d).count("password"), 0u);
}

TEST(PostgresDsn, Ipv6HostsAndHostListsBecomeLibpqLists) {
    auto v6 = ParseDsn("postgres://u@[::1]:6543/db");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, "6543");
    auto list = ParseDsn("postgres://u@a:5432,[fe80::1]:5433,c/db");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->host, "a,fe80::1,c");
    EXPECT_EQ(list->port, "5432,5433,");
    auto no_ports = ParseDsn("postgres://u@a,b/db");
    ASSERT_TRUE(no_ports);
    EXPECT_EQ(no_ports->host, "a,b");
    EXPECT_EQ(no_ports->port, "");
    EXPECT_FALSE(ParseDsn("postgres://u@[::1/db"));
    EXPECT_FALSE(ParseDsn("postgres://u@h:port/db"));
    EXPECT_FALSE(ParseDsn("postgres://u@h:0/db"));
}

TEST(PostgresDsn, UnixSocketFolderAsEscapedHostOrHostParameter) {
    auto escaped = ParseDsn("postgres://u@%2Fvar%2Frun%2Fpostgresql/db");
    ASSERT_TRUE(escaped);
    EXPECT_EQ(escaped->host, "/var/run/postgresql");
    auto param = ParseDsn("postgres://u@/db?host=/tmp/sock&port=6000");
    ASSERT_TRUE(param);
    EXPECT_EQ(param->host, "/tmp/sock");
    EXPECT_EQ(param->port, "6000");
    EXPECT_EQ(param->database, "db");
}

TEST(PostgresDsn, PoolDurationsUseGoSyntaxIncludingSqlconSpelling) {
    auto d = ParseDsn(
        "postgres://u@h/db?max_conn_lifetime=1h30m&max_idle_conn_time=45s&query_timeout=2s&acquire_timeout=250ms");
    ASSERT_TRUE(d) << d.error().reason;
    ASSERT_TRUE(d->max_conn_lifetime);
    EXPECT_EQ(*d->max_conn_lifetime, 90min);
    ASSERT_TRUE(d->max_conn_idle_time);
    EXPECT_EQ(*d->max_conn_idle_time, 45s);
    EXPECT_EQ(d->query_timeout, 2s);
    EXPECT_EQ(d->acquire_timeout, 250ms);
    auto other = ParseDsn("postgres://u@h/db?max_conn_idle_time=10m");
    ASSERT_TRUE(other);
    EXPECT_EQ(*other->max_conn_idle_time, 10min);
}

TEST(PostgresDsn, MalformedPoolSettingsAreRejectedWithTheirName) {
    for (const char* dsn :
         {"postgres://h/db?max_conns=0", "postgres://h/db?max_conns=ten", "postgres://h/db?max_conns=5x",
          "postgres://h/db?max_idle_conns=-1", "postgres://h/db?max_conn_lifetime=forever",
          "postgres://h/db?connect_timeout=soon", "postgres://h/db?query_timeout=-5s"}) {
        auto d = ParseDsn(dsn);
        ASSERT_FALSE(d) << dsn;
        EXPECT_EQ(d.error().code, 400);
        const std::string key = std::string(dsn).substr(std::string(dsn).find('?') + 1);
        EXPECT_NE(d.error().reason.find(key.substr(0, key.find('='))), std::string::npos) << d.error().reason;
    }
}

TEST(PostgresDsn, ConnectTimeoutIsHonouredAndRaisedToLibpqMinimum) {
    auto d = ParseDsn("postgres://h/db?connect_timeout=1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->connect_timeout_seconds, 1);
    EXPECT_EQ(ParamsOf(*d)["connect_timeout"], "2");
    auto ten = ParseDsn("postgres://h/db?connect_timeout=10");
    EXPECT_EQ(ParamsOf(*ten)["connect_timeout"], "10");
    // 0 means "wait forever" in libpq; it is passed through only when asked for explicitly.
    auto zero = ParseDsn("postgres://h/db?connect_timeout=0");
    EXPECT_EQ(ParamsOf(*zero).count("connect_timeout"), 0u);
}

TEST(PostgresDsn, LibpqKeywordsPassThroughInOrder) {
    auto d = ParseDsn(
        "postgres://h/db?sslmode=verify-full&sslrootcert=/etc/"
        "ca.pem&application_name=bia-admin&target_session_attrs=read-write");
    ASSERT_TRUE(d);
    ASSERT_EQ(d->libpq_params.size(), 4u);
    EXPECT_EQ(d->libpq_params[0], (std::pair<std::string, std::string>{"sslmode", "verify-full"}));
    EXPECT_EQ(d->libpq_params[1].first, "sslrootcert");
    auto p = ParamsOf(*d);
    EXPECT_EQ(p["sslrootcert"], "/etc/ca.pem");
    EXPECT_EQ(p["application_name"], "bia-admin");
    EXPECT_EQ(p["target_session_attrs"], "read-write");
    EXPECT_TRUE(d->runtime_params.empty());
}

TEST(PostgresDsn, UnknownParametersBecomeServerSettingsLikePgx) {
    auto d = ParseDsn("postgres://h/db?search_path=kratos&statement_timeout=5000&TimeZone=Europe/Berlin");
    ASSERT_TRUE(d);
    ASSERT_EQ(d->runtime_params.size(), 3u);
    EXPECT_EQ(ParamsOf(*d)["options"], "-c search_path=kratos -c statement_timeout=5000 -c TimeZone=Europe/Berlin");
    // Values with spaces or backslashes are escaped for libpq's options syntax.
    auto spaced = ParseDsn("postgres://h/db?search_path=a%20b%5Cc");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(ParamsOf(*spaced)["options"], "-c search_path=a\\ b\\\\c");
    // An explicit options parameter is kept and the settings are appended to it.
    auto both = ParseDsn("postgres://h/db?options=-c%20work_mem%3D4MB&search_path=x");
    ASSERT_TRUE(both);
    EXPECT_EQ(ParamsOf(*both)["options"], "-c work_mem=4MB -c search_path=x");
    // Names that cannot be settings are a typo, reported instead of sent.
    EXPECT_FALSE(ParseDsn("postgres://h/db?bad%20key=1"));
}

TEST(PostgresDsn, GoDriverOnlyParametersAreAcceptedAndIgnored) {
    auto d = ParseDsn("postgres://h/db?statement_cache_capacity=0&prefer_simple_protocol=true&sslmode=disable");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->ignored_params, (std::vector<std::string>{"statement_cache_capacity", "prefer_simple_protocol"}));
    auto p = ParamsOf(*d);
    EXPECT_EQ(p.count("statement_cache_capacity"), 0u);
    EXPECT_EQ(p.count("options"), 0u);
    EXPECT_EQ(p["sslmode"], "disable");
}

TEST(PostgresDsn, QueryParametersOverrideTheUrlParts) {
    auto d = ParseDsn("postgres://u:p@h:1/db?user=v&password=q&dbname=other");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->user, "v");
    EXPECT_EQ(d->password, "q");
    EXPECT_EQ(d->database, "other");
}

TEST(PostgresDsn, RedactedHidesThePassword) {
    auto d = ParseDsn("postgres://kratos:s3cr3t@db:5432/kratos?sslmode=disable");
    ASSERT_TRUE(d);
    const std::string r = d->Redacted();
    EXPECT_EQ(r.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(r, "postgres://kratos:xxxxx@db:5432/kratos");
}

}  // namespace
}  // namespace bia::persistence::postgres
