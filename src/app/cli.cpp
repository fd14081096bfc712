#include "app/cli.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/admin_client.hpp"
#include "app/cleanup_job.hpp"
#include "app/courier_job.hpp"
#include "app/storage.hpp"
#include "app/wiring.hpp"
#include "cleanup/cleanup.hpp"
#include "config/config.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::app {

namespace {

int Fail(const std::string& line) {
    std::cerr << line << "\n";
    return 1;
}

// Every log line is one JSON object: {"time","level","event":{...}}; events are JSON objects
// (the HTTP layer writes its request events the same way). Never log secrets.
void LogEvent(spdlog::level::level_enum level, const std::string& msg,
              nlohmann::json fields = nlohmann::json::object()) {
    fields["msg"] = msg;
    spdlog::log(level, "{}", fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void UseJsonLogs() {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","event":%v})", spdlog::pattern_time_type::utc);
}

void ApplyLogLevel(const std::string& level) {
    if (level == "debug" || level == "trace")
        spdlog::set_level(spdlog::level::debug);
    else if (level == "warning" || level == "warn")
        spdlog::set_level(spdlog::level::warn);
    else if (level == "error" || level == "fatal" || level == "panic")
        spdlog::set_level(spdlog::level::err);
}

// SIGINT and SIGTERM, blocked before any thread starts so that only sigwait receives them.
sigset_t BlockStopSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

int Serve(const std::vector<std::string>& files, bool dev, bool watch_courier) {
    UseJsonLogs();
    config::Warnings warnings;
    auto cfg = config::LoadConfig(files, config::FromProcessEnvironment(), dev, &warnings);
    if (!cfg) return Fail(cfg.error().reason);
    for (const auto& w : warnings) LogEvent(spdlog::level::warn, w);
    if (cfg->secrets.must_generate_default) {
        // Like Kratos: without configured secrets, cookies are protected by a random per-process
        // secret (sessions do not survive a restart in that case).
        core::SecureRandom random;
        cfg->secrets.default_secrets = {random.AlphaNumeric(32)};
    }
    ApplyLogLevel(cfg->log.level);
    sigset_t signals = BlockStopSignals();

    WiringOptions options;
    options.watch_courier = watch_courier;
    auto wiring = Wiring::Build(std::move(*cfg), options);
    if (!wiring) {
        const auto& e = wiring.error();
        return Fail("bia: " + e.reason + (e.debug.empty() ? "" : " (" + e.debug + ")"));
    }
    if (auto s = (*wiring)->Start(); !s) return Fail("bia: " + s.error().reason);
    std::cout << "Bia " << BIA_VERSION << " listening: public API " << (*wiring)->PublicListenUrl() << " , admin API "
              << (*wiring)->AdminListenUrl() << std::endl;

    int sig = 0;
    sigwait(&signals, &sig);
    LogEvent(spdlog::level::info, "shutting down gracefully", {{"signal", sig}});
    (*wiring)->Stop();
    (*wiring)->Wait();
    return 0;
}

// `bia courier watch` (Kratos's `kratos courier watch`): only the dispatcher, delivering queued
// mail until SIGINT or SIGTERM. Pending migrations are refused, as by `bia cleanup sql`.
int CourierWatch(const std::vector<std::string>& files) {
    UseJsonLogs();
    config::Warnings warnings;
    auto cfg = config::LoadConfig(files, config::FromProcessEnvironment(), true, &warnings);
    if (!cfg) return Fail(cfg.error().reason);
    for (const auto& w : warnings) LogEvent(spdlog::level::warn, w);
    ApplyLogLevel(cfg->log.level);
    sigset_t signals = BlockStopSignals();
    auto storage = OpenStorage(cfg->dsn, /*migrate=*/false, nullptr);
    if (!storage) return Fail("bia courier watch: " + storage.error().reason + " " + storage.error().debug);
    core::SystemClock clock;
    auto worker = BuildCourierWorker(cfg->courier, *storage->courier, clock);
    if (!worker) return Fail("bia courier watch: " + worker.error().reason);
    worker->dispatcher->Start();
    LogEvent(spdlog::level::info, "courier watching for queued messages");
    std::cout << "Bia " << BIA_VERSION << " courier watching for queued messages" << std::endl;
    int sig = 0;
    sigwait(&signals, &sig);
    LogEvent(spdlog::level::info, "courier stopping", {{"signal", sig}});
    worker->dispatcher->Stop();
    return 0;
}

int Migrate(const std::string& dsn_arg, bool from_env, const std::vector<std::string>& files, bool yes) {
    std::string dsn = dsn_arg;
    if (from_env) {
        const char* env = std::getenv("DSN");
        if (!env || !*env) return Fail("bia migrate sql: -e was given but the DSN environment variable is empty");
        dsn = env;
    } else if (dsn.empty() && !files.empty()) {
        config::Warnings warnings;
        auto cfg = config::LoadConfig(files, config::FromProcessEnvironment(), true, &warnings);
        if (!cfg) return Fail(cfg.error().reason);
        dsn = cfg->dsn;
    }
    if (dsn.empty()) return Fail("bia migrate sql: give a DSN, -e (read $DSN) or -c <config file>");
    if (!yes) return Fail("bia migrate sql: refusing to apply migrations without --yes");
    auto applied = MigrateDsn(dsn);
    if (!applied) return Fail("bia migrate sql: " + applied.error().reason + " " + applied.error().debug);
    std::cout << "Applied " << applied->size() << " migration(s)\n";
    for (const auto& v : *applied) std::cout << "  " << v << "\n";
    return 0;
}

// `bia cleanup sql` (Kratos's `kratos cleanup sql`): flags win over the configuration files' (and
// their environment overrides') database.cleanup.* keys, which win over the defaults.
struct CleanupFlags {
    std::string dsn;
    bool from_env = false;
    std::vector<std::string> files;
    std::string keep_last, sleep_batches, sleep_tables;
    int64_t batch_size = 0;  // 0: not given
};

int CleanupSql(const CleanupFlags& f) {
    constexpr const char* kCmd = "bia cleanup sql: ";
    std::string dsn = f.dsn;
    config::DatabaseCleanupConfig settings;
    if (!f.files.empty()) {
        config::Warnings warnings;
        auto cfg = config::LoadConfig(f.files, config::FromProcessEnvironment(), true, &warnings);
        if (!cfg) return Fail(cfg.error().reason);
        settings = cfg->database.cleanup;
        if (dsn.empty() && !f.from_env) dsn = cfg->dsn;
    }
    if (f.from_env) {
        const char* env = std::getenv("DSN");
        if (!env || !*env) return Fail(std::string(kCmd) + "-e was given but the DSN environment variable is empty");
        dsn = env;
    }
    if (dsn.empty()) return Fail(std::string(kCmd) + "give a DSN, -e (read $DSN) or -c <config file>");
    auto duration = [&](const std::string& flag, const std::string& text, core::Duration& out) {
        if (text.empty()) return true;
        auto d = core::ParseGoDuration(text);
        if (!d || d->count() < 0) {
            std::cerr << kCmd << flag << ": expected a duration such as \"24h\" or \"100ms\", got \"" << text << "\"\n";
            return false;
        }
        out = *d;
        return true;
    };
    if (!duration("--keep-last", f.keep_last, settings.older_than) ||
        !duration("--sleep", f.sleep_batches, settings.sleep_batches) ||
        !duration("--database.cleanup.sleep.tables", f.sleep_tables, settings.sleep_tables))
        return 1;
    if (f.batch_size > 0) settings.batch_size = f.batch_size;

    // Pending migrations are refused, not applied: the cleanup relies on the indexes they add.
    auto storage = OpenStorage(dsn, /*migrate=*/false, nullptr);
    if (!storage) return Fail(kCmd + storage.error().reason + " " + storage.error().debug);
    core::SystemClock clock;
    cleanup::Cleanup job(*storage->expired, clock, CleanupOptionsFrom(settings));
    cleanup::StopSignal never;
    std::cout << "Cleaning up records that expired more than " << core::FormatGoDuration(settings.older_than)
              << " ago, " << settings.batch_size << " per batch\n";
    const cleanup::CleanupReport report = job.RunOnce(never);
    int rc = 0;
    for (const auto& e : report.kinds) {
        std::cout << "  " << cleanup::ToString(e.kind) << ": " << e.deleted << " deleted";
        if (e.error) {
            std::cout << ", stopped by an error: " << e.error->reason
                      << (e.error->debug.empty() ? "" : " (" + e.error->debug + ")");
            rc = 1;
        }
        std::cout << "\n";
    }
    std::cout << "Deleted " << report.TotalDeleted() << " record(s)\n";
    return rc;
}

std::string Endpoint(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* e = std::getenv("KRATOS_ADMIN_URL"); e && *e) return e;
    return "http://127.0.0.1:4434/";
}

int PrintReply(const core::Result<HttpReply>& r, long expect) {
    if (!r) return Fail("bia: " + r.error().reason);
    if (r->status != expect) {
        std::cerr << "bia: the admin API answered " << r->status << ": " << r->body << "\n";
        return 1;
    }
    if (!r->body.empty()) {
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        std::cout << (j.is_discarded() ? r->body : j.dump(2)) << "\n";
    }
    return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
    CLI::App app{"Bia — a self-hosted identity server, wire-compatible with Ory Kratos"};
    app.require_subcommand(1);

    std::vector<std::string> config_files;
    bool dev = false;
    bool watch_courier = false;
    auto* serve = app.add_subcommand("serve", "Run the public and admin HTTP APIs");
    serve
        ->add_option("-c,--config", config_files,
                     "Configuration file(s) (kratos.yml); later files override earlier ones")
        ->required()
        ->check(CLI::ExistingFile);
    serve->add_flag("--dev", dev, "Development mode: allows plain-http cookies and low hash costs");
    serve->add_flag("--watch-courier", watch_courier,
                    "Also deliver queued courier messages (SMTP) on a thread of this process");

    auto* migrate = app.add_subcommand("migrate", "Manage the database schema");
    migrate->require_subcommand(1);
    auto* sql = migrate->add_subcommand("sql", "Apply pending SQL migrations");
    std::string dsn;
    bool from_env = false, yes = false;
    std::vector<std::string> migrate_files;
    sql->add_option("dsn", dsn, "Database DSN (sqlite://PATH?_fk=true, memory)");
    sql->add_flag("-e,--read-from-env", from_env, "Read the DSN from the DSN environment variable");
    sql->add_option("-c,--config", migrate_files, "Read the DSN from these configuration files");
    sql->add_flag("-y,--yes", yes, "Apply without asking");

    auto* cleanup_cmd = app.add_subcommand("cleanup", "Delete expired data");
    cleanup_cmd->require_subcommand(1);
    auto* cleanup_sql = cleanup_cmd->add_subcommand(
        "sql",
        "Delete expired sessions, flows and continuity containers, and old self-service errors, in small "
        "batches (serve does the same every database.cleanup.interval)");
    CleanupFlags cleanup_flags;
    cleanup_sql->add_option("dsn", cleanup_flags.dsn, "Database DSN (sqlite://PATH?_fk=true, postgres://…)");
    cleanup_sql->add_flag("-e,--read-from-env", cleanup_flags.from_env,
                          "Read the DSN from the DSN environment variable");
    cleanup_sql->add_option("-c,--config", cleanup_flags.files,
                            "Read the DSN (unless given) and database.cleanup.* from these configuration files");
    cleanup_sql->add_option("--keep-last", cleanup_flags.keep_last,
                            "Keep records that expired less than this long ago, e.g. 24h (database.cleanup.older_than; "
                            "default 0s)");
    cleanup_sql
        ->add_option("-b,--batch-size,--database.cleanup.batch_size", cleanup_flags.batch_size,
                     "Records deleted per batch, each batch one transaction (default 100)")
        ->check(CLI::Range(int64_t{1}, int64_t{10000}));
    cleanup_sql->add_option("--sleep,--database.cleanup.sleep.batches", cleanup_flags.sleep_batches,
                            "Pause after every full batch (default 100ms)");
    cleanup_sql->add_option("--database.cleanup.sleep.tables", cleanup_flags.sleep_tables,
                            "Pause before the next table, after one that had expired records (default 1m)");

    auto* courier_cmd = app.add_subcommand("courier", "Deliver queued email");
    courier_cmd->require_subcommand(1);
    auto* courier_watch = courier_cmd->add_subcommand(
        "watch", "Deliver queued courier messages over SMTP until SIGINT or SIGTERM (no HTTP APIs)");
    std::vector<std::string> courier_files;
    courier_watch->add_option("-c,--config", courier_files, "Configuration file(s) (kratos.yml)")
        ->required()
        ->check(CLI::ExistingFile);

    auto* version = app.add_subcommand("version", "Print the version");

    auto* identities = app.add_subcommand("identities", "Manage identities through a running server's admin API");
    identities->require_subcommand(1);
    std::string endpoint;
    identities->add_option("-e,--endpoint", endpoint,
                           "Admin API URL (default $KRATOS_ADMIN_URL or http://127.0.0.1:4434/)");
    std::vector<std::string> import_files, ids;
    auto* import = identities->add_subcommand("import", "Create identities from JSON files (admin create bodies)");
    import->add_option("files", import_files, "JSON files; '-' reads standard input")->required();
    auto* get = identities->add_subcommand("get", "Show identities");
    get->add_option("ids", ids, "Identity ids")->required();
    auto* list = identities->add_subcommand("list", "List identities");
    int64_t page = 1, per_page = 250;
    list->add_option("page", page, "Page (1-based)");
    list->add_option("per_page", per_page, "Items per page");
    auto* del = identities->add_subcommand("delete", "Delete identities");
    del->add_option("ids", ids, "Identity ids")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    if (*serve) return Serve(config_files, dev, watch_courier);
    if (*courier_watch) return CourierWatch(courier_files);
    if (*sql) return Migrate(dsn, from_env, migrate_files, yes);
    if (*cleanup_sql) return CleanupSql(cleanup_flags);
    if (*version) {
        std::cout << "Version: " << BIA_VERSION << "\n";
        return 0;
    }
    const std::string admin = Endpoint(endpoint);
    if (*import) {
        int rc = 0;
        for (const auto& f : import_files) {
            std::stringstream ss;
            if (f == "-")
                ss << std::cin.rdbuf();
            else {
                std::ifstream in(f);
                if (!in) return Fail("bia: cannot read " + f);
                ss << in.rdbuf();
            }
            rc |= PrintReply(AdminRequest("POST", core::JoinUrl(admin, "/admin/identities"), ss.str()), 201);
        }
        return rc;
    }
    if (*get) {
        int rc = 0;
        for (const auto& id : ids)
            rc |= PrintReply(AdminRequest("GET", core::JoinUrl(admin, "/admin/identities/" + id)), 200);
        return rc;
    }
    if (*list) {
        return PrintReply(AdminRequest("GET", core::JoinUrl(admin, "/admin/identities?page=" + std::to_string(page) +
                                                                       "&per_page=" + std::to_string(per_page))),
                          200);
    }
    if (*del) {
        int rc = 0;
        for (const auto& id : ids) {
            rc |= PrintReply(AdminRequest("DELETE", core::JoinUrl(admin, "/admin/identities/" + id)), 204);
            if (rc == 0) std::cout << id << "\n";
        }
        return rc;
    }
    return 0;
}

}  // namespace bia::app
