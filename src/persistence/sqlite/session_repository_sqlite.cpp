#include "persistence/sqlite/session_repository_sqlite.hpp"

#include "core/time.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"

namespace bia::persistence::sqlite {

using core::Result;
using core::Status;
using nlohmann::json;
using session::Session;

namespace {

std::string MethodsToText(const std::vector<session::AuthenticationMethod>& methods) {
    json a = json::array();
    for (const auto& m : methods) {
        json j = {{"method", m.method}, {"aal", m.aal}, {"completed_at", core::FormatRfc3339(m.completed_at)}};
        if (!m.provider.empty()) j["provider"] = m.provider;
        a.push_back(std::move(j));
    }
    return a.dump();
}

std::vector<session::AuthenticationMethod> MethodsFromText(std::string_view text) {
    std::vector<session::AuthenticationMethod> out;
    auto a = json::parse(text, nullptr, false);
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

Session ReadRow(Statement& st) {
    Session s;
    s.id = st.Id(0);
    s.token = st.Text(1);
    s.logout_token = st.Text(2);
    s.identity_id = st.Id(3);
    s.active = st.Int(4) != 0;
    s.expires_at = st.Time(5);
    s.authenticated_at = st.Time(6);
    s.issued_at = st.Time(7);
    s.methods = MethodsFromText(st.TextView(8));
    s.created_at = st.Time(9);
    s.updated_at = st.Time(10);
    s.revision = st.Int(11);
    return s;
}

}  // namespace

namespace {

// The repository behind NewSessionRepository (below); callers see session::SessionRepository.
class SessionRepositorySqlite final : public session::SessionRepository {
  public:
    explicit SessionRepositorySqlite(Database& db) : db_(db) {}

    Status Create(const Session& s) override {
        const std::string methods = MethodsToText(s.methods);
        return db_.Transaction([&](Connection& c) -> Status {
            BIA_TRY_ASSIGN(
                auto st,
                c.Prepare(
                    "INSERT INTO sessions (id, token, logout_token, identity_id, active, expires_at, authenticated_at, "
                    "issued_at, authentication_methods, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
            st.Bind(1, s.id)
                .Bind(2, s.token)
                .Bind(3, s.logout_token)
                .Bind(4, s.identity_id)
                .Bind(5, int64_t{s.active ? 1 : 0})
                .Bind(6, s.expires_at)
                .Bind(7, s.authenticated_at)
                .Bind(8, s.issued_at)
                .Bind(9, methods)
                .Bind(10, s.created_at)
                .Bind(11, s.updated_at);
            return st.Run();
        });
    }

    Status Update(const Session& s) override {
        const std::string methods = MethodsToText(s.methods);
        return db_.Transaction([&](Connection& c) -> Status {
            BIA_TRY_ASSIGN(
                auto st,
                c.Prepare("UPDATE sessions SET active = ?, expires_at = ?, authenticated_at = ?, issued_at = ?, "
                          "authentication_methods = ?, updated_at = ?, revision = revision + 1 WHERE id = ?"));
            st.Bind(1, int64_t{s.active ? 1 : 0})
                .Bind(2, s.expires_at)
                .Bind(3, s.authenticated_at)
                .Bind(4, s.issued_at)
                .Bind(5, methods)
                .Bind(6, s.updated_at)
                .Bind(7, s.id);
            BIA_TRY(st.Run());
            if (sqlite3_changes(c.raw()) == 0) return core::ResourceNotFound();
            return {};
        });
    }

    Result<Session> FindByToken(std::string_view token) override {
        // whoami's path: the session and its identity (six statements) in one read transaction.
        BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
        Session s;
        {
            BIA_TRY_ASSIGN(
                auto st,
                lease->Prepare(
                    "SELECT id, token, logout_token, identity_id, active, expires_at, authenticated_at, issued_at, "
                    "authentication_methods, created_at, updated_at, revision FROM sessions WHERE token = ?"));
            st.Bind(1, token);
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) return core::ResourceNotFound();
            s = ReadRow(st);
        }
        BIA_TRY_ASSIGN(auto ident, IdentityRepositorySqlite::LoadById(*lease, s.identity_id));
        s.identity = std::move(ident);
        return s;
    }

    Result<session::SessionStamp> FindStamp(std::string_view token) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st,
                       lease->Prepare("SELECT s.revision, i.revision, s.active, s.expires_at, i.state FROM "
                                      "sessions s JOIN identities i ON i.id = s.identity_id WHERE s.token = ?"));
        st.Bind(1, token);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return core::ResourceNotFound();
        return session::SessionStamp{.session_revision = st.Int(0),
                                     .identity_revision = st.Int(1),
                                     .active = st.Int(2) != 0,
                                     .expires_at = st.Time(3),
                                     .identity_active = st.TextView(4) == identity::kStateActive};
    }

    Result<Session> FindById(const core::Uuid& id, bool with_identity) override {
        BIA_TRY_ASSIGN(auto lease, db_.AcquireSnapshot());
        Session s;
        {
            BIA_TRY_ASSIGN(
                auto st,
                lease->Prepare(
                    "SELECT id, token, logout_token, identity_id, active, expires_at, authenticated_at, issued_at, "
                    "authentication_methods, created_at, updated_at, revision FROM sessions WHERE id = ?"));
            st.Bind(1, id);
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) return core::ResourceNotFound();
            s = ReadRow(st);
        }
        if (with_identity) {
            BIA_TRY_ASSIGN(auto ident, IdentityRepositorySqlite::LoadById(*lease, s.identity_id));
            s.identity = std::move(ident);
        }
        return s;
    }

    Result<std::vector<Session>> ListByIdentity(const core::Uuid& identity_id, std::optional<bool> active,
                                                int64_t offset, int64_t limit) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(
            auto st,
            lease->Prepare(
                "SELECT id, token, logout_token, identity_id, active, expires_at, authenticated_at, issued_at, "
                "authentication_methods, created_at, updated_at, revision FROM sessions WHERE identity_id = ? "
                "AND (? < 0 OR active = ?) ORDER BY created_at DESC, id LIMIT ? OFFSET ?"));
        const int64_t filter = active ? (*active ? 1 : 0) : -1;
        st.Bind(1, identity_id).Bind(2, filter).Bind(3, filter).Bind(4, limit).Bind(5, offset);
        std::vector<Session> out;
        while (true) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            out.push_back(ReadRow(st));
        }
        return out;
    }

    Result<int64_t> CountByIdentity(const core::Uuid& identity_id, std::optional<bool> active) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st,
                       lease->Prepare("SELECT COUNT(*) FROM sessions WHERE identity_id = ? AND (? < 0 OR active = ?)"));
        const int64_t filter = active ? (*active ? 1 : 0) : -1;
        st.Bind(1, identity_id).Bind(2, filter).Bind(3, filter);
        BIA_TRY_ASSIGN(bool row, st.Step());
        return row ? st.Int(0) : 0;
    }

    Result<int64_t> RevokeAllExcept(const core::Uuid& identity_id, const core::Uuid& keep) override {
        int64_t revoked = 0;
        BIA_TRY(db_.Transaction([&](Connection& c) -> Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE sessions SET active = 0, updated_at = ?, revision = revision + "
                                              "1 WHERE identity_id = ? AND id != ? AND active = 1"));
            st.Bind(1, std::chrono::system_clock::now()).Bind(2, identity_id).Bind(3, keep);
            BIA_TRY(st.Run());
            revoked = sqlite3_changes(c.raw());
            return {};
        }));
        return revoked;
    }

    Result<int64_t> RevokeAll(const core::Uuid& identity_id) override {
        int64_t revoked = 0;
        BIA_TRY(db_.Transaction([&](Connection& c) -> Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE sessions SET active = 0, updated_at = ?, revision = revision + "
                                              "1 WHERE identity_id = ? AND active = 1"));
            st.Bind(1, std::chrono::system_clock::now()).Bind(2, identity_id);
            BIA_TRY(st.Run());
            revoked = sqlite3_changes(c.raw());
            return {};
        }));
        return revoked;
    }

    Status Revoke(const core::Uuid& session_id) override {
        return db_.Transaction([&](Connection& c) -> Status {
            BIA_TRY_ASSIGN(
                auto st,
                c.Prepare("UPDATE sessions SET active = 0, updated_at = ?, revision = revision + 1 WHERE id = ?"));
            st.Bind(1, std::chrono::system_clock::now()).Bind(2, session_id);
            BIA_TRY(st.Run());
            if (sqlite3_changes(c.raw()) == 0) return core::ResourceNotFound();
            return {};
        });
    }

  private:
    Database& db_;
};

}  // namespace

std::unique_ptr<session::SessionRepository> NewSessionRepository(Database& db) {
    return std::make_unique<SessionRepositorySqlite>(db);
}

}  // namespace bia::persistence::sqlite
