// Test doubles: identities, sessions, continuity containers and self-service errors kept in memory behind the same
// repository interfaces the SQL backends implement, with the behaviour flows rely on (taken
// identifiers are a 409, unknown ids a 404, JSON is dumped strictly as the SQL stores bind it, so
// invalid UTF-8 throws where it would there). Test-only (header-only).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "session/session_repository.hpp"

namespace bia::testing {

class MemoryIdentities final : public identity::IdentityRepository {
  public:
    core::Status Create(const identity::Identity& i) override {
        DumpLikeSql(i);
        if (Taken(i)) return core::Conflict(std::string(identity::kConflictReason));
        rows[i.id] = i;
        rows[i.id].revision = 0;
        return {};
    }
    using identity::IdentityRepository::Update;
    core::Status Update(const identity::Identity& i, const identity::Identity* /*as_loaded*/) override {
        if (fail_update) return *fail_update;
        DumpLikeSql(i);
        auto it = rows.find(i.id);
        const int64_t revision = it == rows.end() ? 0 : it->second.revision + 1;
        rows[i.id] = i;
        rows[i.id].revision = revision;
        ++updates;
        return {};
    }
    core::Result<identity::Identity> Get(const core::Uuid& id) override {
        auto it = rows.find(id);
        if (it == rows.end()) return core::ResourceNotFound();
        return it->second;
    }
    core::Result<identity::Identity> FindByCredentialIdentifier(std::string_view type, std::string_view id) override {
        for (auto& [k, i] : rows) {
            if (const auto* c = i.FindCredential(type)) {
                if (std::find(c->identifiers.begin(), c->identifiers.end(), id) != c->identifiers.end()) return i;
            }
        }
        return core::ResourceNotFound();
    }
    core::Result<identity::Identity> FindByAddress(identity::AddressKind kind, std::string_view via,
                                                   std::string_view value) override {
        for (auto& [k, i] : rows) {
            if (kind == identity::AddressKind::kVerifiable) {
                for (const auto& a : i.verifiable_addresses)
                    if (a.via == via && a.value == value) return i;
            } else {
                for (const auto& a : i.recovery_addresses)
                    if (a.via == via && a.value == value) return i;
            }
        }
        return core::ResourceNotFound();
    }
    core::Result<std::vector<identity::Identity>> List(int64_t offset, int64_t limit) override {
        std::vector<identity::Identity> out;
        int64_t n = 0;
        for (auto& [k, i] : rows) {
            if (n++ >= offset && static_cast<int64_t>(out.size()) < limit) out.push_back(i);
        }
        return out;
    }
    core::Result<int64_t> Count() override { return static_cast<int64_t>(rows.size()); }
    core::Status Delete(const core::Uuid& id) override {
        rows.erase(id);
        return {};
    }

    std::map<core::Uuid, identity::Identity> rows;
    int updates = 0;
    std::optional<core::Error> fail_update;  // what Update answers instead of writing

  private:
    // Another identity already holds one of `n`'s identifiers (per credential type).
    bool Taken(const identity::Identity& n) const {
        for (auto& [k, i] : rows) {
            if (k == n.id) continue;
            for (auto& [type, c] : n.credentials) {
                const auto* o = i.FindCredential(type);
                if (!o) continue;
                for (auto& id : c.identifiers) {
                    if (std::find(o->identifiers.begin(), o->identifiers.end(), id) != o->identifiers.end())
                        return true;
                }
            }
        }
        return false;
    }
    static void DumpLikeSql(const identity::Identity& i) {
        (void)i.traits.dump();
        (void)i.metadata_public.dump();
        (void)i.metadata_admin.dump();
        for (const auto& [type, c] : i.credentials) (void)c.config.dump();
    }
};

// Sessions; with `identities` set, stored sessions drop their embedded identity and reads attach
// the current one, as the SQL stores join it.
class MemorySessions final : public session::SessionRepository {
  public:
    explicit MemorySessions(identity::IdentityRepository* identities = nullptr) : identities_(identities) {}
    core::Status Create(const session::Session& s) override {
        rows[s.id] = s;
        rows[s.id].revision = 0;
        if (identities_) rows[s.id].identity.reset();
        return {};
    }
    core::Status Update(const session::Session& s) override {
        auto it = rows.find(s.id);
        const int64_t revision = it == rows.end() ? 0 : it->second.revision + 1;
        BIA_TRY(Create(s));
        rows[s.id].revision = revision;
        return {};
    }
    core::Result<session::SessionStamp> FindStamp(std::string_view token) override {
        for (auto& [id, s] : rows) {
            if (s.token != token) continue;
            session::SessionStamp st{.session_revision = s.revision, .active = s.active, .expires_at = s.expires_at};
            if (identities_) {
                auto i = identities_->Get(s.identity_id);
                if (!i) return std::move(i).error();
                st.identity_revision = i->revision;
                st.identity_active = i->IsActive();
            } else {
                st.identity_active = !s.identity || s.identity->IsActive();
            }
            return st;
        }
        return core::ResourceNotFound();
    }
    // With async_stamps (set by a test), FindStampAsync keeps each read pending until the test ends
    // it with EndStampReads, which reads the rows as they are then: a server's round trip.
    void FindStampAsync(std::string_view token, StampCallback done) override {
        if (!async_stamps) return done(FindStamp(token));
        pending_stamp_reads.emplace_back(std::string(token), std::move(done));
    }
    bool StampReadsAsync() const override { return async_stamps; }
    void EndStampReads() {
        auto pending = std::move(pending_stamp_reads);
        pending_stamp_reads.clear();
        for (auto& [token, done] : pending) done(FindStamp(token));
    }
    bool async_stamps = false;
    std::vector<std::pair<std::string, StampCallback>> pending_stamp_reads;
    core::Result<session::Session> FindByToken(std::string_view token) override {
        for (auto& [id, s] : rows) {
            if (s.token == token) return FindById(id, true);
        }
        return core::ResourceNotFound();
    }
    core::Result<session::Session> FindById(const core::Uuid& id, bool with_identity) override {
        auto it = rows.find(id);
        if (it == rows.end()) return core::ResourceNotFound();
        session::Session s = it->second;
        if (with_identity && identities_) {
            if (auto i = identities_->Get(s.identity_id)) s.identity = *std::move(i);
        }
        return s;
    }
    core::Result<std::vector<session::Session>> ListByIdentity(const core::Uuid& identity_id,
                                                               std::optional<bool> active, int64_t offset,
                                                               int64_t limit) override {
        std::vector<session::Session> out;
        int64_t n = 0;
        for (auto& [id, s] : rows) {
            if (s.identity_id != identity_id || (active && s.active != *active)) continue;
            if (n++ >= offset && static_cast<int64_t>(out.size()) < limit) out.push_back(s);
        }
        return out;
    }
    core::Result<int64_t> CountByIdentity(const core::Uuid& identity_id, std::optional<bool> active) override {
        int64_t n = 0;
        for (auto& [id, s] : rows) n += s.identity_id == identity_id && (!active || s.active == *active);
        return n;
    }
    core::Result<int64_t> RevokeAllExcept(const core::Uuid& identity_id, const core::Uuid& keep) override {
        int64_t n = 0;
        for (auto& [id, s] : rows) {
            if (s.identity_id == identity_id && id != keep && s.active) {
                s.active = false;
                ++s.revision;
                ++n;
            }
        }
        return n;
    }
    core::Result<int64_t> RevokeAll(const core::Uuid& identity_id) override {
        return RevokeAllExcept(identity_id, core::Uuid());
    }
    core::Status Revoke(const core::Uuid& id) override {
        auto it = rows.find(id);
        if (it == rows.end()) return core::ResourceNotFound();
        it->second.active = false;
        ++it->second.revision;
        return {};
    }

    std::map<core::Uuid, session::Session> rows;

  private:
    identity::IdentityRepository* identities_;
};

class MemoryContinuity final : public selfservice::ContinuityRepository {
  public:
    core::Status Create(const selfservice::ContinuityContainer& c) override {
        (void)c.payload.dump();
        rows[c.id] = c;
        return {};
    }
    core::Result<selfservice::ContinuityContainer> Get(const core::Uuid& id) override {
        auto it = rows.find(id);
        if (it == rows.end()) return core::ResourceNotFound();
        return it->second;
    }
    core::Status Delete(const core::Uuid& id) override {
        rows.erase(id);
        return {};
    }
    std::map<core::Uuid, selfservice::ContinuityContainer> rows;
};

class MemoryErrors final : public selfservice::ErrorRepository {
  public:
    core::Status Add(const selfservice::StoredError& e) override {
        rows[e.id] = e;
        return {};
    }
    core::Result<selfservice::StoredError> Get(const core::Uuid& id) override {
        auto it = rows.find(id);
        if (it == rows.end()) return core::ResourceNotFound();
        return it->second;
    }
    core::Status MarkSeen(const core::Uuid&, core::TimePoint) override { return {}; }
    std::map<core::Uuid, selfservice::StoredError> rows;
};

class MemoryOneTimeSecrets final : public selfservice::OneTimeSecretRepository {
  public:
    core::Status Create(const selfservice::OneTimeSecret& s) override {
        rows.push_back(s);
        return {};
    }
    core::Result<selfservice::OneTimeSecret> FindUnused(selfservice::SecretKind kind, std::string_view digest,
                                                        const std::optional<core::Uuid>& flow_id) override {
        for (const auto& s : rows) {
            if (s.kind == kind && s.digest == digest && !s.used_at && (!flow_id || s.flow_id == *flow_id)) return s;
        }
        return core::ResourceNotFound();
    }
    core::Result<bool> Use(const core::Uuid& id, core::TimePoint now) override {
        for (auto& s : rows) {
            if (s.id == id && !s.used_at) {
                s.used_at = now;
                return true;
            }
        }
        return false;
    }
    core::Status Retire(selfservice::SecretKind kind, const core::Uuid& flow_id, core::TimePoint now) override {
        for (auto& s : rows) {
            if (s.kind == kind && s.flow_id == flow_id && !s.used_at) s.used_at = now;
        }
        return {};
    }
    std::vector<selfservice::OneTimeSecret> rows;
};

}  // namespace bia::testing
