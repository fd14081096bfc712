// The storage port of the database cleanup (`bia cleanup sql`, and `serve` in the background):
// delete, a small batch at a time, the records that have expired. Each backend implements it
// in persistence/; nothing here knows SQL.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace bia::cleanup {

// What the cleanup deletes, in the order it goes through them (Kratos's order: sessions,
// continuity containers, then the flows; stored errors, then the courier's finished messages).
enum class RecordKind {
    kSessions,
    kContinuityContainers,
    kLoginFlows,
    kRegistrationFlows,
    kSettingsFlows,
    kVerificationFlows,
    kRecoveryFlows,
    kOneTimeSecrets,  // verification and recovery codes and link tokens, used or not
    kSelfServiceErrors,
    kCourierMessages,  // sent or abandoned email, by the time it reached that state (updated_at)
};
inline constexpr std::array kAllRecordKinds = {
    RecordKind::kSessions,          RecordKind::kContinuityContainers, RecordKind::kLoginFlows,
    RecordKind::kRegistrationFlows, RecordKind::kSettingsFlows,        RecordKind::kVerificationFlows,
    RecordKind::kRecoveryFlows,     RecordKind::kOneTimeSecrets,       RecordKind::kSelfServiceErrors,
    RecordKind::kCourierMessages,
};
// "sessions", "continuity_containers", "login_flows", … (logs and reports).
std::string_view ToString(RecordKind kind);

class ExpiredRecords {
  public:
    virtual ~ExpiredRecords() = default;
    // Deletes at most `limit` (≥ 1) records of `kind` whose expires_at is at or before `cutoff` —
    // for stored self-service errors, which carry no expiry, whose created_at is; for courier
    // messages, those sent or abandoned whose updated_at is (queued and processing ones never go) — oldest first,
    // in one short transaction of its own, and returns how many it deleted (0: none left). Must
    // be cheap whatever the table's size (an index on the column), and safe to run while the
    // request path reads and writes the same tables, also from several processes at once.
    virtual core::Result<int64_t> DeleteExpiredBatch(RecordKind kind, core::TimePoint cutoff, int64_t limit) = 0;
};

}  // namespace bia::cleanup
