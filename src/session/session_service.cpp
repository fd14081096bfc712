#include "session/session_service.hpp"

namespace bia::session {

using core::Result;
using core::Status;

std::string SessionService::NewToken() {
    // 32 alphanumeric characters ≈ 190 bits, with Kratos's G2 prefix.
    return std::string(kTokenPrefix) + random_.AlphaNumeric(32);
}

Result<Session> SessionService::Issue(const identity::Identity& identity, AuthenticationMethod method) {
    const auto now = clock_.Now();
    Session s;
    s.id = core::Uuid::V4(random_);
    s.token = NewToken();
    s.logout_token = "ory_lo_" + random_.AlphaNumeric(32);
    s.identity_id = identity.id;
    s.active = true;
    s.authenticated_at = s.issued_at = s.created_at = s.updated_at = now;
    s.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(options_.lifespan);
    method.completed_at = now;
    s.methods.push_back(std::move(method));
    BIA_TRY(repository_.Create(s));
    s.identity = identity;
    return s;
}

Status SessionService::Reauthenticate(Session& s, AuthenticationMethod method) {
    const auto now = clock_.Now();
    method.completed_at = now;
    s.methods.push_back(std::move(method));
    s.authenticated_at = s.issued_at = s.updated_at = now;
    s.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(options_.lifespan);
    return repository_.Update(s);
}

Status SessionService::AddMethod(Session& s, AuthenticationMethod method) {
    method.completed_at = clock_.Now();
    s.methods.push_back(std::move(method));
    s.updated_at = clock_.Now();
    return repository_.Update(s);
}

namespace {
core::Error NoValidCredentials() { return core::Unauthorized("No valid session credentials found in the request."); }
}  // namespace

namespace {

// Bytes a JSON value holds, roughly: its strings plus a node's overhead.
size_t JsonBytes(const nlohmann::json& j) {
    size_t n = 16;
    if (j.is_string()) return n + j.get_ref<const std::string&>().size();
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) n += k.size() + JsonBytes(v);
    } else if (j.is_array()) {
        for (const auto& v : j) n += JsonBytes(v);
    }
    return n;
}

}  // namespace

size_t CachedSession::Cost() const {
    size_t n = sizeof(Session) + session.token.size() + session.logout_token.size() + 64 * session.methods.size();
    if (const auto& i = session.identity) {
        n += sizeof(identity::Identity) + JsonBytes(i->traits) + JsonBytes(i->metadata_public) +
             JsonBytes(i->metadata_admin) + 192 * (i->verifiable_addresses.size() + i->recovery_addresses.size());
        for (const auto& [type, c] : i->credentials) {
            n += 128 + type.size() + JsonBytes(c.config);
            for (const auto& id : c.identifiers) n += 32 + id.size();
        }
    }
    return n;
}

Result<Session> SessionService::ResolveToken(std::string_view token) {
    if (!CouldBeToken(token)) return NoValidCredentials();
    if (!cache_) return Load(token, clock_.Now());
    auto stamp = repository_.FindStamp(token);
    if (!stamp) return stamp.error().code == 404 ? NoValidCredentials() : std::move(stamp).error();
    return ResolveChecked(token, *stamp);
}

Result<Session> SessionService::ResolveToken(std::string_view token, const SessionStamp& stamp) {
    if (!CouldBeToken(token)) return NoValidCredentials();
    return ResolveChecked(token, stamp);
}

Result<Session> SessionService::ResolveChecked(std::string_view token, const SessionStamp& stamp) {
    const auto now = clock_.Now();
    if (!stamp.IsValidAt(now)) {
        if (cache_) cache_->Erase(token);
        return NoValidCredentials();
    }
    if (cache_) {
        // The stamp, read at `now`, proves the kept copy's state and expiry too: both are written
        // with a revision bump.
        if (auto hit = cache_->Find(token, {stamp.session_revision, stamp.identity_revision})) return hit->session;
    }
    return Load(token, now);
}

Result<Session> SessionService::Load(std::string_view token, core::TimePoint now) {
    auto s = repository_.FindByToken(token);
    if (!s) return s.error().code == 404 ? NoValidCredentials() : std::move(s).error();
    if (!s->IsValidAt(now)) return NoValidCredentials();
    // Kept under the revisions it was read at (one snapshot), never under the earlier stamp.
    if (cache_ && s->identity) cache_->Put(token, {s->revision, s->identity->revision}, CachedSession{*s});
    return s;
}

void SessionService::Remember(std::string_view token, Session session) {
    if (!cache_ || !session.identity || !CouldBeToken(token)) return;
    const core::CacheStamp stamp{session.revision, session.identity->revision};
    cache_->Put(token, stamp, CachedSession{std::move(session)});
}

Result<SessionStamp> SessionService::CurrentStamp(std::string_view token) {
    if (!CouldBeToken(token)) return NoValidCredentials();
    return CheckStamp(repository_.FindStamp(token));
}

void SessionService::CurrentStampAsync(std::string_view token, std::function<void(Result<SessionStamp>)> done) {
    if (!CouldBeToken(token)) return done(NoValidCredentials());
    repository_.FindStampAsync(
        token, [this, done = std::move(done)](Result<SessionStamp> found) { done(CheckStamp(std::move(found))); });
}

Result<SessionStamp> SessionService::CheckStamp(Result<SessionStamp> found) const {
    if (!found) return found.error().code == 404 ? NoValidCredentials() : std::move(found).error();
    if (!found->IsValidAt(clock_.Now())) return NoValidCredentials();
    return found;
}

Result<Session> SessionService::Extend(const core::Uuid& id) {
    BIA_TRY_ASSIGN(Session s, repository_.FindById(id, true));
    const auto now = clock_.Now();
    const bool may_extend =
        !options_.earliest_possible_extend ||
        s.expires_at - now <= std::chrono::duration_cast<core::TimePoint::duration>(*options_.earliest_possible_extend);
    if (may_extend && s.active) {
        s.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(options_.lifespan);
        s.updated_at = now;
        BIA_TRY(repository_.Update(s));
    }
    return s;
}

}  // namespace bia::session
