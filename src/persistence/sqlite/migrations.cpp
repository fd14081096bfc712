#include "persistence/sqlite/migrations.hpp"

namespace bia::persistence::sqlite {

// Times are stored as INTEGER nanoseconds since the Unix epoch (UTC); ids as canonical UUID text;
// JSON documents as TEXT. Never edit a released migration: add a new one.
const std::vector<Migration>& Migrations() {
    static const std::vector<Migration> kMigrations = {
        {"20261127000001_identities", R"SQL(
CREATE TABLE identities (
  id TEXT PRIMARY KEY NOT NULL,
  schema_id TEXT NOT NULL,
  state TEXT NOT NULL,
  state_changed_at INTEGER,
  traits TEXT NOT NULL,
  metadata_public TEXT,
  metadata_admin TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX identities_created_at_idx ON identities (created_at, id);
CREATE TABLE identity_credentials (
  id TEXT PRIMARY KEY NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (identity_id, type)
);
CREATE TABLE identity_credential_identifiers (
  type TEXT NOT NULL,
  identifier TEXT NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL REFERENCES identity_credentials(id) ON DELETE CASCADE,
  PRIMARY KEY (type, identifier)
);
CREATE INDEX identity_credential_identifiers_identity_idx ON identity_credential_identifiers (identity_id);
CREATE TABLE identity_verifiable_addresses (
  id TEXT PRIMARY KEY NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  value TEXT NOT NULL,
  verified INTEGER NOT NULL,
  status TEXT NOT NULL,
  verified_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (via, value)
);
CREATE INDEX identity_verifiable_addresses_identity_idx ON identity_verifiable_addresses (identity_id);
CREATE TABLE identity_recovery_addresses (
  id TEXT PRIMARY KEY NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (via, value)
);
CREATE INDEX identity_recovery_addresses_identity_idx ON identity_recovery_addresses (identity_id);
)SQL"},
        {"20261127000002_sessions", R"SQL(
CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,
  token TEXT NOT NULL UNIQUE,
  logout_token TEXT NOT NULL UNIQUE,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  active INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  authenticated_at INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  authentication_methods TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sessions_identity_idx ON sessions (identity_id, created_at);
)SQL"},
        {"20261127000003_selfservice_errors", R"SQL(
CREATE TABLE selfservice_errors (
  id TEXT PRIMARY KEY NOT NULL,
  error TEXT NOT NULL,
  seen_at INTEGER,
  was_seen INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)SQL"},
        {"20261127000004_login_flows", R"SQL(
CREATE TABLE selfservice_login_flows (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  active_method TEXT NOT NULL,
  ui TEXT NOT NULL,
  refresh INTEGER NOT NULL,
  requested_aal TEXT NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)SQL"},
        {"20261127000005_registration_flows", R"SQL(
CREATE TABLE selfservice_registration_flows (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  active_method TEXT NOT NULL,
  ui TEXT NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)SQL"},
        {"20261127000006_settings_flows", R"SQL(
CREATE TABLE selfservice_settings_flows (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  ui TEXT NOT NULL,
  state TEXT NOT NULL,
  internal_context TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX selfservice_settings_flows_identity_idx ON selfservice_settings_flows (identity_id);
CREATE TABLE continuity_containers (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  identity_id TEXT REFERENCES identities(id) ON DELETE CASCADE,
  payload TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
)SQL"},
        // The cleanup (`bia cleanup sql`, serve's background pass) deletes the oldest expired rows
        // batch by batch: these indexes keep each batch from scanning its table.
        {"20261205100001_cleanup_indexes", R"SQL(
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX continuity_containers_expires_at_idx ON continuity_containers (expires_at);
CREATE INDEX selfservice_login_flows_expires_at_idx ON selfservice_login_flows (expires_at);
CREATE INDEX selfservice_registration_flows_expires_at_idx ON selfservice_registration_flows (expires_at);
CREATE INDEX selfservice_settings_flows_expires_at_idx ON selfservice_settings_flows (expires_at);
CREATE INDEX selfservice_errors_created_at_idx ON selfservice_errors (created_at);
)SQL"},
        // Continuity payloads are sealed from now on (selfservice::SealedContinuityRepository).
        // Containers written before held a submitted new password in plaintext; they live 15
        // minutes anyway, so they are dropped rather than kept readable.
        {"20261205100002_continuity_sealed_payloads", R"SQL(
DELETE FROM continuity_containers;
)SQL"},
        // The courier's queue of outgoing email (courier::MessageRepository). Claims look for due
        // messages by status and time; the admin list goes newest first; the cleanup deletes sent
        // and abandoned messages oldest first through the partial index.
        {"20261205200001_courier_messages", R"SQL(
CREATE TABLE courier_messages (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  template_type TEXT NOT NULL,
  send_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX courier_messages_due_idx ON courier_messages (status, next_attempt_at);
CREATE INDEX courier_messages_created_at_idx ON courier_messages (created_at, id);
CREATE INDEX courier_messages_recipient_idx ON courier_messages (recipient, created_at);
CREATE INDEX courier_messages_finished_idx ON courier_messages (updated_at) WHERE status IN ('sent', 'abandoned');
)SQL"},
        // Verification and recovery (surrounding-api.md §9–10): their flows, and the one-time
        // secrets (codes and link tokens, stored as HMACs) they send.
        {"20261205210001_verification_recovery", R"SQL(
CREATE TABLE selfservice_verification_flows (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  active_method TEXT NOT NULL,
  ui TEXT NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX selfservice_verification_flows_expires_at_idx ON selfservice_verification_flows (expires_at);
CREATE TABLE selfservice_recovery_flows (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  active_method TEXT NOT NULL,
  ui TEXT NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX selfservice_recovery_flows_expires_at_idx ON selfservice_recovery_flows (expires_at);
CREATE TABLE selfservice_one_time_secrets (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL,
  digest TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  payload TEXT NOT NULL
);
CREATE INDEX selfservice_one_time_secrets_digest_idx ON selfservice_one_time_secrets (kind, digest);
CREATE INDEX selfservice_one_time_secrets_flow_idx ON selfservice_one_time_secrets (flow_id);
CREATE INDEX selfservice_one_time_secrets_expires_at_idx ON selfservice_one_time_secrets (expires_at);
)SQL"},
        // Revisions: every write of an identity (row or children), a session or a flow bumps its
        // row's revision, so a cached answer is proven fresh by indexed reads (FindStamp, Stamp).
        {"20261206000001_revisions", R"SQL(
ALTER TABLE identities ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE selfservice_login_flows ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE selfservice_registration_flows ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE selfservice_settings_flows ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE selfservice_verification_flows ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE selfservice_recovery_flows ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
)SQL"},
    };
    return kMigrations;
}

}  // namespace bia::persistence::sqlite
