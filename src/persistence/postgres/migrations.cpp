#include "persistence/postgres/migrations.hpp"

namespace bia::persistence::postgres {

// Ids are uuid, times timestamptz (microseconds, as Kratos stores them), documents jsonb,
// flags boolean. `position` columns keep the order rows were written in, which SQLite gets
// from rowid. Never edit a released migration: add a new one.
const std::vector<Migration>& Migrations() {
    static const std::vector<Migration> kMigrations = {
        {"20261127000001_identities", R"SQL(
CREATE TABLE identities (
  id UUID PRIMARY KEY,
  schema_id TEXT NOT NULL,
  state TEXT NOT NULL,
  state_changed_at TIMESTAMPTZ,
  traits JSONB NOT NULL,
  metadata_public JSONB,
  metadata_admin JSONB,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX identities_created_at_idx ON identities (created_at, id);
CREATE TABLE identity_credentials (
  id UUID PRIMARY KEY,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  config JSONB NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  UNIQUE (identity_id, type)
);
CREATE TABLE identity_credential_identifiers (
  type TEXT NOT NULL,
  identifier TEXT NOT NULL,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  credential_id UUID NOT NULL REFERENCES identity_credentials (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (type, identifier)
);
CREATE INDEX identity_credential_identifiers_identity_idx ON identity_credential_identifiers (identity_id);
CREATE INDEX identity_credential_identifiers_credential_idx ON identity_credential_identifiers (credential_id);
CREATE TABLE identity_verifiable_addresses (
  id UUID PRIMARY KEY,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  value TEXT NOT NULL,
  verified BOOLEAN NOT NULL,
  status TEXT NOT NULL,
  verified_at TIMESTAMPTZ,
  position INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  UNIQUE (via, value)
);
CREATE INDEX identity_verifiable_addresses_identity_idx ON identity_verifiable_addresses (identity_id);
CREATE TABLE identity_recovery_addresses (
  id UUID PRIMARY KEY,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  value TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  UNIQUE (via, value)
);
CREATE INDEX identity_recovery_addresses_identity_idx ON identity_recovery_addresses (identity_id);
)SQL"},
        {"20261127000002_sessions", R"SQL(
CREATE TABLE sessions (
  id UUID PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  logout_token TEXT NOT NULL UNIQUE,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  active BOOLEAN NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  authenticated_at TIMESTAMPTZ NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  authentication_methods JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_identity_idx ON sessions (identity_id, created_at);
)SQL"},
        {"20261127000003_selfservice_errors", R"SQL(
CREATE TABLE selfservice_errors (
  id UUID PRIMARY KEY,
  error JSONB NOT NULL,
  seen_at TIMESTAMPTZ,
  was_seen BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
)SQL"},
        {"20261127000004_login_flows", R"SQL(
CREATE TABLE selfservice_login_flows (
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  active_method TEXT NOT NULL,
  ui JSONB NOT NULL,
  refresh BOOLEAN NOT NULL,
  requested_aal TEXT NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
)SQL"},
        {"20261127000005_registration_flows", R"SQL(
CREATE TABLE selfservice_registration_flows (
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  active_method TEXT NOT NULL,
  ui JSONB NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
)SQL"},
        {"20261127000006_settings_flows", R"SQL(
CREATE TABLE selfservice_settings_flows (
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  ui JSONB NOT NULL,
  state TEXT NOT NULL,
  internal_context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX selfservice_settings_flows_identity_idx ON selfservice_settings_flows (identity_id);
CREATE TABLE continuity_containers (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  identity_id UUID REFERENCES identities (id) ON DELETE CASCADE,
  payload JSONB NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX continuity_containers_identity_idx ON continuity_containers (identity_id);
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
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  template_type TEXT NOT NULL,
  send_count BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL,
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
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  active_method TEXT NOT NULL,
  ui JSONB NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX selfservice_verification_flows_expires_at_idx ON selfservice_verification_flows (expires_at);
CREATE TABLE selfservice_recovery_flows (
  id UUID PRIMARY KEY,
  type TEXT NOT NULL,
  request_url TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  active_method TEXT NOT NULL,
  ui JSONB NOT NULL,
  state TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  internal_context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX selfservice_recovery_flows_expires_at_idx ON selfservice_recovery_flows (expires_at);
CREATE TABLE selfservice_one_time_secrets (
  id UUID PRIMARY KEY,
  kind TEXT NOT NULL,
  digest TEXT NOT NULL,
  flow_id UUID NOT NULL,
  identity_id UUID NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  used_at TIMESTAMPTZ,
  payload JSONB NOT NULL
);
CREATE INDEX selfservice_one_time_secrets_digest_idx ON selfservice_one_time_secrets (kind, digest);
CREATE INDEX selfservice_one_time_secrets_flow_idx ON selfservice_one_time_secrets (flow_id);
CREATE INDEX selfservice_one_time_secrets_expires_at_idx ON selfservice_one_time_secrets (expires_at);
)SQL"},
        // As SQLite's: revisions prove cached answers fresh across instances (FindStamp).
        {"20261206000001_revisions", R"SQL(
ALTER TABLE identities ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE selfservice_login_flows ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE selfservice_registration_flows ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE selfservice_settings_flows ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE selfservice_verification_flows ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE selfservice_recovery_flows ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
)SQL"},
    };
    return kMigrations;
}

}  // namespace bia::persistence::postgres
