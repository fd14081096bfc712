// Session use cases: issuing sessions at login/registration, refreshing them on
// re-authentication, resolving a presented token, revocation and admin extension.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/answer_cache.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "identity/identity.hpp"
#include "session/aal.hpp"
#include "session/session.hpp"
#include "session/session_repository.hpp"

namespace bia::session {

// The default budget of resolved sessions kept for reuse (SessionOptions::cache_bytes).
inline constexpr size_t kSessionCacheBytes = size_t{16} << 20;

// A resolved session (with its identity) as the session cache keeps it.
struct CachedSession {
    Session session;
    // An estimate of the memory it holds (strings and JSON of the identity, credentials included).
    size_t Cost() const;
};

struct SessionOptions {
    core::Duration lifespan = std::chrono::hours(24);
    std::optional<core::Duration> earliest_possible_extend;  // unset = always extendable
    // How credentials count towards the available AAL (the method modules' rules, app::Wiring);
    // must outlive the service. Unset: no rules, every identity can reach aal0 only.
    const AalRules* aal_rules = nullptr;
    // Resolved sessions kept for reuse, in bytes (0: none; app::Wiring uses kSessionCacheBytes).
    // A kept session is served only while its stamp (one indexed read) shows the very revisions
    // it was loaded at, so any write to it or its identity, by any process, is seen at once.
    size_t cache_bytes = 0;
};

class SessionService {
  public:
    SessionService(SessionRepository& repository, const core::Clock& clock, core::Random& random,
                   SessionOptions options)
        : repository_(repository),
          clock_(clock),
          random_(random),
          options_(options),
          cache_(options.cache_bytes > 0 ? std::make_unique<core::StampedCache<CachedSession>>(options.cache_bytes)
                                         : nullptr) {}

    // A new active session for `identity`, authenticated now by `method`.
    core::Result<Session> Issue(const identity::Identity& identity, AuthenticationMethod method);
    // Re-authentication of an existing session (login refresh or AAL upgrade): appends the method
    // and resets authenticated_at / issued_at / expires_at (surrounding-api.md §7).
    core::Status Reauthenticate(Session& session, AuthenticationMethod method);
    // Adds a method without touching the timestamps (settings enrolment of a second factor).
    core::Status AddMethod(Session& session, AuthenticationMethod method);

    // The active session for `token` with its identity, or a 401 error value (no id; the caller
    // picks the reason text its endpoint uses). With a cache, the session's stamp is read first
    // and a session kept under exactly that stamp is served without loading it again (one
    // statement instead of six). Call it outside units of work: what it loads is kept, so it
    // must be committed data.
    core::Result<Session> ResolveToken(std::string_view token);
    // The same, for a caller that has just read the session's stamp (CurrentStamp, or one read
    // with a flow's): with a cache it is not read again.
    core::Result<Session> ResolveToken(std::string_view token, const SessionStamp& just_read);
    // The current stamp of the active session `token` names (one indexed read), or the same 401
    // ResolveToken gives: what proves an answer cached from that session still current.
    core::Result<SessionStamp> CurrentStamp(std::string_view token);
    // CurrentStamp without a thread waiting for the read (SessionRepository::FindStampAsync): `done`
    // gets what CurrentStamp would answer, once, maybe on another thread. What `token` views must
    // stay valid until then.
    void CurrentStampAsync(std::string_view token, std::function<void(core::Result<SessionStamp>)> done);
    // Whether CurrentStampAsync leaves the calling thread free while it reads (PostgreSQL).
    bool StampReadsAsync() const { return repository_.StampReadsAsync(); }

    // Keeps `session` (with its identity) for `token` under the revisions it carries, as a load
    // would have: for a caller that has just committed a write and knows exactly what a load at
    // those revisions reads (a settings submit that wrote the identity row alone). If the store
    // holds other revisions by the next request, the kept copy is never served. No-op without a
    // cache or an identity.
    void Remember(std::string_view token, Session session);

    core::Result<Session> Extend(const core::Uuid& id);

    SessionRepository& repository() { return repository_; }
    const core::Clock& clock() const { return clock_; }
    const SessionOptions& options() const { return options_; }
    // The AAL rules every AAL check (whoami, settings, login) applies.
    const AalRules& aal() const {
        static const AalRules kNone;
        return options_.aal_rules != nullptr ? *options_.aal_rules : kNone;
    }

  private:
    std::string NewToken();
    // What CurrentStamp answers for the repository's answer `found`.
    core::Result<SessionStamp> CheckStamp(core::Result<SessionStamp> found) const;
    // ResolveToken(token, stamp) for a token that has passed CouldBeToken.
    core::Result<Session> ResolveChecked(std::string_view token, const SessionStamp& stamp);
    // Loads the session with its identity (and keeps it, with a cache).
    core::Result<Session> Load(std::string_view token, core::TimePoint now);
    SessionRepository& repository_;
    const core::Clock& clock_;
    core::Random& random_;
    SessionOptions options_;
    std::unique_ptr<core::StampedCache<CachedSession>> cache_;
};

}  // namespace bia::session
