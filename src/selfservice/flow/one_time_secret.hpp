// One-time secrets of the verification and recovery flows (surrounding-api.md §9–10): the token
// of a link and the code of an email. Only an HMAC of the secret is stored (keyed with the
// system secret), so a database dump reveals no usable link or code; a secret is used at most
// once (Use is a conditional write) and dies with its lifespan (the cleanup deletes it after).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

namespace bia::selfservice {

enum class SecretKind { kVerificationCode, kVerificationLink, kRecoveryCode, kRecoveryLink, kUndoChange };
// "verification_code", "verification_link", "recovery_code", "recovery_link", "undo_change"
// (the stored kind).
std::string_view ToString(SecretKind kind);

struct OneTimeSecret {
    core::Uuid id;
    SecretKind kind = SecretKind::kVerificationCode;
    std::string digest;  // SecretDigest of the secret (hex)
    core::Uuid flow_id;
    core::Uuid identity_id;
    std::string address;  // the address value the secret was sent to
    core::TimePoint expires_at{};
    core::TimePoint created_at{};
    std::optional<core::TimePoint> used_at;
    // What the secret's use needs (an undo link: the change to undo); an object.
    nlohmann::json payload = nlohmann::json::object();
    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
};

class OneTimeSecretRepository {
  public:
    virtual ~OneTimeSecretRepository() = default;
    virtual core::Status Create(const OneTimeSecret& secret) = 0;
    // The unused secret of `kind` with `digest` — of `flow_id` when given; 404 when none.
    virtual core::Result<OneTimeSecret> FindUnused(SecretKind kind, std::string_view digest,
                                                   const std::optional<core::Uuid>& flow_id) = 0;
    // Marks the secret used when it still is unused; false when another request used it first.
    virtual core::Result<bool> Use(const core::Uuid& id, core::TimePoint now) = 0;
    // Marks every unused secret of `kind` for `flow_id` used: a new code replaces the old ones.
    virtual core::Status Retire(SecretKind kind, const core::Uuid& flow_id, core::TimePoint now) = 0;
};

// HMAC-SHA256 of `secret` under `key` (the first of secrets.default), hex encoded.
std::string SecretDigest(std::string_view key, std::string_view secret);

}  // namespace bia::selfservice
