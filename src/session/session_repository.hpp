// Storage contract for sessions; implemented per backend and checked by the contract suite.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "session/session.hpp"

namespace bia::session {

class SessionRepository {
  public:
    virtual ~SessionRepository() = default;
    virtual core::Status Create(const Session& session) = 0;
    // Rewrites mutable fields (active, expiry, authenticated_at, issued_at, methods).
    virtual core::Status Update(const Session& session) = 0;
    // With the identity loaded. 404 when the token is unknown.
    virtual core::Result<Session> FindByToken(std::string_view token) = 0;
    // The session's and its identity's revisions and validity by token, in one indexed read; 404
    // when the token is unknown. Any write to the session, the identity or the identity's child
    // rows — by this process or another — changes one of the revisions.
    virtual core::Result<SessionStamp> FindStamp(std::string_view token) = 0;
    // FindStamp for a caller that must not wait (an HTTP I/O thread): `done` gets what FindStamp
    // would answer, once, on another thread or on this one before the call returns. What `token`
    // views must stay valid until then. The default reads on this thread.
    using StampCallback = std::function<void(core::Result<SessionStamp>)>;
    // (done is taken by value: an asynchronous override keeps it.)
    virtual void FindStampAsync(std::string_view token,
                                StampCallback done) {  // NOLINT(performance-unnecessary-value-param)
        done(FindStamp(token));
    }
    // Whether FindStampAsync leaves the calling thread free while the stamp is read (true where a
    // read is a round trip to a server: PostgreSQL).
    virtual bool StampReadsAsync() const { return false; }
    virtual core::Result<Session> FindById(const core::Uuid& id, bool with_identity) = 0;
    // Newest first. `active`: nullopt = all.
    virtual core::Result<std::vector<Session>> ListByIdentity(const core::Uuid& identity_id, std::optional<bool> active,
                                                              int64_t offset, int64_t limit) = 0;
    virtual core::Result<int64_t> CountByIdentity(const core::Uuid& identity_id, std::optional<bool> active) = 0;
    // Marks sessions inactive; returns how many changed.
    virtual core::Result<int64_t> RevokeAllExcept(const core::Uuid& identity_id, const core::Uuid& keep) = 0;
    virtual core::Result<int64_t> RevokeAll(const core::Uuid& identity_id) = 0;
    virtual core::Status Revoke(const core::Uuid& session_id) = 0;
};

}  // namespace bia::session
