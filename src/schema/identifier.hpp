// The one normalisation of credential identifiers (issue 13). Registration, settings and the admin
// create/import derive identifiers from traits through it; login looks identifiers up through it.
// Mirrors Kratos v1–v25 (persistence/sql/identity NormalizeIdentifier): password, WebAuthn and
// code identifiers are stored and compared as strings.ToLower(strings.TrimSpace(v)) — Unicode
// simple lower-casing, Unicode white space trimmed, no NFC/NFKC folding; other credential types
// (oidc, totp, lookup_secret) are case-sensitive and kept as given.
#pragma once

#include <string>
#include <string_view>

namespace bia::schema {

std::string NormalizeCredentialIdentifier(std::string_view credential_type, std::string_view value);

// An email address as verifiable and recovery addresses store it (Kratos: lower-cased, white
// space trimmed, the same Unicode rules as above); lookups by address go through it too.
std::string NormalizeEmailAddress(std::string_view value);

}  // namespace bia::schema
