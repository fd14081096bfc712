#include "persistence/postgres/session_repository_postgres.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "persistence/postgres/identity_rows.hpp"
#include "persistence/postgres/read_batcher.hpp"
#include "persistence/postgres/session_stamps.hpp"

namespace bia::persistence::postgres {

using core::Result;
using core::Status;
using nlohmann::json;
using session::Session;

namespace {

constexpr std::string_view kSessionColumns =
    "s.id, s.token, s.logout_token, s.identity_id, s.active, s.expires_at, s.authenticated_at, s.issued_at, "
    "s.authentication_methods, s.created_at, s.updated_at, s.revision";
constexpr int kSessionColumnCount = 12;

json MethodsToJson(const std::vector<session::AuthenticationMethod>& methods) {
    json a = json::array();
    for (const auto& m : methods) {
        json j = {{"method", m.method}, {"aal", m.aal}, {"completed_at", core::FormatRfc3339(m.completed_at)}};
        if (!m.provider.empty()) j["provider"] = m.provider;
        a.push_back(std::move(j));
    }
    return a;
}

std::vector<session::AuthenticationMethod> MethodsFromJson(const json& a) {
    std::vector<session::AuthenticationMethod> out;
    if (!a.is_array()) return out;
    for (const auto& j : a) {
        if (!j.is_object()) continue;
        session::AuthenticationMethod m;
        m.method = j.value("method", "");
        m.aal = j.value("aal", "");
        m.provider = j.value("provider", "");
        if (auto t = core::ParseRfc3339(j.value("completed_at", ""))) m.completed_at = *t;
        out.push_back(std::move(m));
    }
    return out;
}

Session ReadSession(const Rows& r, int row) {
    Session s;
    s.id = r.Id(row, 0);
    s.token = r.Text(row, 1);
    s.logout_token = r.Text(row, 2);
    s.identity_id = r.Id(row, 3);
    s.active = r.Bool(row, 4);
    s.expires_at = r.Time(row, 5);
    s.authenticated_at = r.Time(row, 6);
    s.issued_at = r.Time(row, 7);
    s.methods = MethodsFromJson(r.Json(row, 8));
    s.created_at = r.Time(row, 9);
    s.updated_at = r.Time(row, 10);
    s.revision = r.Int(row, 11);
    return s;
}

// Sessions joined to their identities, with the session's columns first.
const std::string& SessionJoin() {
    static const std::string kJoin = "SELECT " + std::string(kSessionColumns) + ", " + std::string(kIdentityColumns) +
                                     " FROM sessions s JOIN identities i ON i.id = s.identity_id WHERE ";
    return kJoin;
}

// Session and identity by token or id, with the identity's children, in one round trip.
Result<Session> LoadWithIdentity(Database& db, IdentityKey key, const Params& params) {
    static const std::string kByToken = SessionJoin() + "s.token = $1";
    static const std::string kById = SessionJoin() + "s.id = $1";
    const std::string& head = key == IdentityKey::kSessionToken ? kByToken : kById;
    return db.Read([&](Connection& c) -> Result<Session> {
        BIA_TRY_ASSIGN(Loaded loaded, LoadWithHead(c, head, kSessionColumnCount, key, params));
        if (loaded.head.empty()) return RowNotFound();
        Session s = ReadSession(loaded.head, 0);
        s.identity = std::move(loaded.identities.front());
        return s;
    });
}

Params ActiveFilter(const core::Uuid& identity_id, std::optional<bool> active) {
    Params p;
    p.Add(identity_id);
    if (active)
        p.Add(*active);
    else
        p.Add(std::nullopt);
    return p;
}

}  // namespace

namespace {

// The repository behind NewSessionRepository (below); callers see session::SessionRepository.
class SessionRepositoryPostgres final : public session::SessionRepository {
  public:
    explicit SessionRepositoryPostgres(Database& db) : db_(db) {}

    Status Create(const Session& s) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(s.id)
            .Add(s.token)
            .Add(s.logout_token)
            .Add(s.identity_id)
            .Add(s.active)
            .Add(s.expires_at)
            .Add(s.authenticated_at)
            .Add(s.issued_at)
            .AddJson(MethodsToJson(s.methods))
            .Add(s.created_at)
            .Add(s.updated_at);
        BIA_TRY(
            lease->Query("INSERT INTO sessions (id, token, logout_token, identity_id, active, expires_at, "
                         "authenticated_at, issued_at, authentication_methods, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                         p));
        return {};
    }

    Status Update(const Session& s) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(s.active)
            .Add(s.expires_at)
            .Add(s.authenticated_at)
            .Add(s.issued_at)
            .AddJson(MethodsToJson(s.methods))
            .Add(s.updated_at)
            .Add(s.id);
        BIA_TRY_ASSIGN(
            Rows r,
            lease->Query("UPDATE sessions SET active = $1, expires_at = $2, authenticated_at = $3, "
                         "issued_at = $4, authentication_methods = $5, updated_at = $6, revision = revision + 1 "
                         "WHERE id = $7",
                         p));
        if (r.affected() == 0) return RowNotFound();
        return {};
    }

    // Concurrent lookups (the misses of the answer and session caches, e.g. every user's
    // first request after a restart) share one round trip (read_batcher.hpp); inside a unit of
    // work, or for a token no batch may carry, the lookup runs alone on this thread.
    Result<Session> FindByToken(std::string_view token) override {
        if (db_.Joined() || !session::CouldBeToken(token)) return LoadOne(token);
        BIA_TRY_ASSIGN(auto s, loads_.Get(token));
        if (!s) return RowNotFound();
        return std::move(*s);
    }

    // Concurrent lookups share one statement (read_batcher.hpp); inside a unit of work, or for a
    // token no batch may carry, the single statement runs on this thread.
    Result<session::SessionStamp> FindStamp(std::string_view token) override {
        if (db_.Joined() || !session::CouldBeToken(token)) {
            BIA_TRY_ASSIGN(auto one, StampOne(token));
            if (!one) return RowNotFound();
            return *one;
        }
        BIA_TRY_ASSIGN(auto stamp, stamps_.Get(token));
        if (!stamp) return RowNotFound();
        return *stamp;
    }

    // Queued for the batcher's runner: no thread waits for the round trip.
    void FindStampAsync(std::string_view token, StampCallback done) override {
        if (db_.Joined() || !session::CouldBeToken(token)) {
            done(FindStamp(token));
            return;
        }
        stamps_.GetAsync(token, [done = std::move(done)](Result<std::optional<session::SessionStamp>> stamp) {
            if (!stamp) return done(std::move(stamp).error());
            if (!*stamp) return done(RowNotFound());
            done(**stamp);
        });
    }
    bool StampReadsAsync() const override { return true; }

    BatchedReadStats Stats() {
        const auto s = stamps_.stats();
        return {s.batches, s.keys};
    }
    BatchedReadStats LoadStats() {
        const auto s = loads_.stats();
        return {s.batches, s.keys};
    }

    Result<Session> FindById(const core::Uuid& id, bool with_identity) override {
        Params p;
        p.Add(id);
        if (with_identity) return LoadWithIdentity(db_, IdentityKey::kSessionId, p);
        static const std::string kSql = "SELECT " + std::string(kSessionColumns) + " FROM sessions s WHERE s.id = $1";
        return db_.Read([&](Connection& c) -> Result<Session> {
            BIA_TRY_ASSIGN(Rows r, c.Query(kSql, p));
            if (r.empty()) return RowNotFound();
            return ReadSession(r, 0);
        });
    }

    Result<std::vector<Session>> ListByIdentity(const core::Uuid& identity_id, std::optional<bool> active,
                                                int64_t offset, int64_t limit) override {
        static const std::string kSql =
            "SELECT " + std::string(kSessionColumns) +
            " FROM sessions s WHERE s.identity_id = $1 AND ($2::boolean IS NULL OR s.active = "
            "$2::boolean) ORDER BY s.created_at DESC, s.id LIMIT $3::int8 OFFSET $4::int8";
        Params p = ActiveFilter(identity_id, active);
        // As SQLite: a negative LIMIT means no limit, a negative OFFSET 0.
        if (limit < 0)
            p.Add(std::nullopt);
        else
            p.Add(limit);
        p.Add(std::max<int64_t>(offset, 0));
        return db_.Read([&](Connection& c) -> Result<std::vector<Session>> {
            BIA_TRY_ASSIGN(Rows r, c.Query(kSql, p));
            std::vector<Session> out;
            out.reserve(r.size());
            for (int row = 0; row < r.size(); ++row) out.push_back(ReadSession(r, row));
            return out;
        });
    }

    Result<int64_t> CountByIdentity(const core::Uuid& identity_id, std::optional<bool> active) override {
        Params p = ActiveFilter(identity_id, active);
        return db_.Read([&](Connection& c) -> Result<int64_t> {
            BIA_TRY_ASSIGN(Rows r, c.Query("SELECT COUNT(*) FROM sessions WHERE identity_id = $1 AND "
                                           "($2::boolean IS NULL OR active = $2::boolean)",
                                           p));
            return r.empty() ? 0 : r.Int(0, 0);
        });
    }

    Result<int64_t> RevokeAllExcept(const core::Uuid& identity_id, const core::Uuid& keep) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(std::chrono::system_clock::now()).Add(identity_id).Add(keep);
        BIA_TRY_ASSIGN(Rows r,
                       lease->Query("UPDATE sessions SET active = FALSE, updated_at = $1, revision = revision + 1 "
                                    "WHERE identity_id = $2 AND id <> $3 AND active",
                                    p));
        return r.affected();
    }

    Result<int64_t> RevokeAll(const core::Uuid& identity_id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(std::chrono::system_clock::now()).Add(identity_id);
        BIA_TRY_ASSIGN(Rows r,
                       lease->Query("UPDATE sessions SET active = FALSE, updated_at = $1, revision = revision + 1 "
                                    "WHERE identity_id = $2 AND active",
                                    p));
        return r.affected();
    }

    Status Revoke(const core::Uuid& session_id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(std::chrono::system_clock::now()).Add(session_id);
        BIA_TRY_ASSIGN(
            Rows r,
            lease->Query("UPDATE sessions SET active = FALSE, updated_at = $1, revision = revision + 1 WHERE id = $2",
                         p));
        if (r.affected() == 0) return RowNotFound();
        return {};
    }

  private:
    using OptionalStamp = std::optional<session::SessionStamp>;
    using OptionalSession = std::optional<Session>;

    Result<Session> LoadOne(std::string_view token) {
        Params p;
        p.Add(token);
        return LoadWithIdentity(db_, IdentityKey::kSessionToken, p);
    }

    // One batch of FindByToken: the sessions of every token with their identities and children,
    // in one round trip over one snapshot; a token's session is found by value (a token is unique).
    Result<std::vector<OptionalSession>> LoadBatch(const std::vector<const std::string_view*>& tokens) {
        if (tokens.size() == 1) {
            auto one = LoadOne(*tokens.front());
            if (!one) {
                if (one.error().code == 404) return std::vector<OptionalSession>(1);
                return std::move(one).error();
            }
            std::vector<OptionalSession> out;
            out.emplace_back(std::move(*one));
            return out;
        }
        static const std::string kSql = SessionJoin() + "s.token = ANY($1::text[])";
        std::vector<std::string_view> values;
        values.reserve(tokens.size());
        for (const auto* t : tokens) values.push_back(*t);
        Params p;
        p.AddTextArray(values);
        return db_.Read([&](Connection& c) -> Result<std::vector<OptionalSession>> {
            BIA_TRY_ASSIGN(Loaded loaded, LoadWithHead(c, kSql, kSessionColumnCount, IdentityKey::kSessionTokens, p));
            std::vector<OptionalSession> out(tokens.size());
            for (int row = 0; row < loaded.head.size(); ++row) {
                const std::string_view token = loaded.head.TextView(row, 1);
                for (size_t k = 0; k < tokens.size(); ++k) {
                    if (*tokens[k] != token) continue;
                    Session s = ReadSession(loaded.head, row);
                    s.identity = loaded.identities[static_cast<size_t>(row)];
                    out[k] = std::move(s);
                }
            }
            return out;
        });
    }

    Result<OptionalStamp> StampOne(std::string_view token) {
        static const std::string kSql = "SELECT " + std::string(kSessionStampColumns) +
                                        " FROM sessions s JOIN identities i ON i.id = s.identity_id WHERE s.token = $1";
        Params p;
        p.Add(token);
        return db_.Read([&](Connection& c) -> Result<OptionalStamp> {
            BIA_TRY_ASSIGN(Rows r, c.Query(kSql, p));
            if (r.empty()) return OptionalStamp{};
            return OptionalStamp{ReadSessionStamp(r, 0, 0)};
        });
    }

    // One batch: the single statement for one token, else one statement for all (each row
    // carries its token's position, so duplicates and missing tokens need no matching by value).
    Result<std::vector<OptionalStamp>> StampBatch(const std::vector<const std::string_view*>& tokens) {
        if (tokens.size() == 1) {
            BIA_TRY_ASSIGN(auto one, StampOne(*tokens.front()));
            return std::vector<OptionalStamp>{one};
        }
        static constexpr std::string_view kTypes[] = {"text"};
        static constexpr std::string_view kNames[] = {"token"};
        static const BatchedStatements kSql(kTypes, kNames, [](const std::string& values) {
            return "SELECT k.n, " + std::string(kSessionStampColumns) + " FROM " + values + SessionStampJoin("JOIN");
        });
        size_t slots = 0;
        const std::string& sql = kSql.For(tokens.size(), &slots);
        Params p;
        for (size_t i = 0; i < slots; ++i) p.Add(*tokens[std::min(i, tokens.size() - 1)]);
        return ReadBatch<session::SessionStamp>(db_, sql, p, tokens.size(),
                                                [](const Rows& r, int row) { return ReadSessionStamp(r, row, 1); });
    }

    Database& db_;
    ReadBatcher<std::string_view, Session> loads_{
        [this](const std::vector<const std::string_view*>& tokens) { return LoadBatch(tokens); }, kMaxBatchedLoads,
        kMaxConcurrentBatches};
    ReadBatcher<std::string_view, session::SessionStamp> stamps_{
        [this](const std::vector<const std::string_view*>& tokens) { return StampBatch(tokens); }, kMaxBatchedKeys,
        kMaxConcurrentBatches};
};

}  // namespace

std::unique_ptr<session::SessionRepository> NewSessionRepository(Database& db) {
    return std::make_unique<SessionRepositoryPostgres>(db);
}

BatchedReadStats StampReads(session::SessionRepository& repo) {
    auto* pg = dynamic_cast<SessionRepositoryPostgres*>(&repo);
    return pg ? pg->Stats() : BatchedReadStats{};
}

BatchedReadStats SessionLoads(session::SessionRepository& repo) {
    auto* pg = dynamic_cast<SessionRepositoryPostgres*>(&repo);
    return pg ? pg->LoadStats() : BatchedReadStats{};
}

}  // namespace bia::persistence::postgres
