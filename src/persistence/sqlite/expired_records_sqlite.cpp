#include "persistence/sqlite/expired_records_sqlite.hpp"

namespace bia::persistence::sqlite {

namespace {

// One literal per table: Connection::Prepare caches statements by the text's address.
const char* DeleteSql(cleanup::RecordKind kind) {
    switch (kind) {
        case cleanup::RecordKind::kSessions:
            return "DELETE FROM sessions WHERE id IN "
                   "(SELECT id FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kContinuityContainers:
            return "DELETE FROM continuity_containers WHERE id IN "
                   "(SELECT id FROM continuity_containers WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kLoginFlows:
            return "DELETE FROM selfservice_login_flows WHERE id IN "
                   "(SELECT id FROM selfservice_login_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kRegistrationFlows:
            return "DELETE FROM selfservice_registration_flows WHERE id IN "
                   "(SELECT id FROM selfservice_registration_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kSettingsFlows:
            return "DELETE FROM selfservice_settings_flows WHERE id IN "
                   "(SELECT id FROM selfservice_settings_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kVerificationFlows:
            return "DELETE FROM selfservice_verification_flows WHERE id IN "
                   "(SELECT id FROM selfservice_verification_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kRecoveryFlows:
            return "DELETE FROM selfservice_recovery_flows WHERE id IN "
                   "(SELECT id FROM selfservice_recovery_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kOneTimeSecrets:
            return "DELETE FROM selfservice_one_time_secrets WHERE id IN "
                   "(SELECT id FROM selfservice_one_time_secrets WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
        case cleanup::RecordKind::kSelfServiceErrors:
            return "DELETE FROM selfservice_errors WHERE id IN "
                   "(SELECT id FROM selfservice_errors WHERE created_at <= ? ORDER BY created_at LIMIT ?)";
        case cleanup::RecordKind::kCourierMessages:
            // Finished messages only, through the partial index of migration 20261205200001 (named:
            // the planner would otherwise pick the status index and sort).
            return "DELETE FROM courier_messages WHERE id IN "
                   "(SELECT id FROM courier_messages INDEXED BY courier_messages_finished_idx "
                   "WHERE status IN ('sent', 'abandoned') AND updated_at <= ? ORDER BY updated_at LIMIT ?)";
    }
    return nullptr;
}

}  // namespace

core::Result<int64_t> ExpiredRecordsSqlite::DeleteExpiredBatch(cleanup::RecordKind kind, core::TimePoint cutoff,
                                                               int64_t limit) {
    const char* sql = DeleteSql(kind);
    if (!sql) return core::Internal("cleanup: unknown record kind");
    int64_t deleted = 0;
    BIA_TRY(db_.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare(sql));
        st.Bind(1, cutoff).Bind(2, limit);
        BIA_TRY(st.Run());
        deleted = sqlite3_changes64(c.raw());
        return {};
    }));
    return deleted;
}

}  // namespace bia::persistence::sqlite
