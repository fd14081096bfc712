#include "persistence/postgres/expired_records_postgres.hpp"

namespace bia::persistence::postgres {

namespace {

std::string_view DeleteSql(cleanup::RecordKind kind) {
    switch (kind) {
        case cleanup::RecordKind::kSessions:
            return "DELETE FROM sessions WHERE id IN "
                   "(SELECT id FROM sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kContinuityContainers:
            return "DELETE FROM continuity_containers WHERE id IN "
                   "(SELECT id FROM continuity_containers WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kLoginFlows:
            return "DELETE FROM selfservice_login_flows WHERE id IN "
                   "(SELECT id FROM selfservice_login_flows WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kRegistrationFlows:
            return "DELETE FROM selfservice_registration_flows WHERE id IN "
                   "(SELECT id FROM selfservice_registration_flows WHERE expires_at <= $1 ORDER BY expires_at LIMIT "
                   "$2)";
        case cleanup::RecordKind::kSettingsFlows:
            return "DELETE FROM selfservice_settings_flows WHERE id IN "
                   "(SELECT id FROM selfservice_settings_flows WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kVerificationFlows:
            return "DELETE FROM selfservice_verification_flows WHERE id IN "
                   "(SELECT id FROM selfservice_verification_flows WHERE expires_at <= $1 ORDER BY expires_at LIMIT "
                   "$2)";
        case cleanup::RecordKind::kRecoveryFlows:
            return "DELETE FROM selfservice_recovery_flows WHERE id IN "
                   "(SELECT id FROM selfservice_recovery_flows WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kOneTimeSecrets:
            return "DELETE FROM selfservice_one_time_secrets WHERE id IN "
                   "(SELECT id FROM selfservice_one_time_secrets WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)";
        case cleanup::RecordKind::kSelfServiceErrors:
            return "DELETE FROM selfservice_errors WHERE id IN "
                   "(SELECT id FROM selfservice_errors WHERE created_at <= $1 ORDER BY created_at LIMIT $2)";
        case cleanup::RecordKind::kCourierMessages:
            // Finished messages only (the partial index of migration 20261205200001).
            return "DELETE FROM courier_messages WHERE id IN "
                   "(SELECT id FROM courier_messages WHERE status IN ('sent', 'abandoned') AND updated_at <= $1 "
                   "ORDER BY updated_at LIMIT $2)";
    }
    return {};
}

}  // namespace

core::Result<int64_t> ExpiredRecordsPostgres::DeleteExpiredBatch(cleanup::RecordKind kind, core::TimePoint cutoff,
                                                                 int64_t limit) {
    const std::string_view sql = DeleteSql(kind);
    if (sql.empty()) return core::Internal("cleanup: unknown record kind");
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(cutoff).Add(limit);
    BIA_TRY_ASSIGN(Rows r, lease->Query(sql, p));
    return r.affected();
}

}  // namespace bia::persistence::postgres
