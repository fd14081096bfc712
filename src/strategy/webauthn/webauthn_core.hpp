// The WebAuthn (W3C Web Authentication Level 2) verification core: parsing clientDataJSON and
// authenticator data, and the relying party's checks of a registration (§7.1, attestation formats
// "none" and "packed") and of an authentication assertion (§7.2). Pure functions: no HTTP, no flows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::strategy::webauthn {

// Input caps, checked before any work.
inline constexpr size_t kMaxClientDataJsonBytes = 64 * 1024;
inline constexpr size_t kMaxAttestationObjectBytes = 256 * 1024;
inline constexpr size_t kMaxAuthenticatorDataBytes = 64 * 1024;
inline constexpr size_t kMaxCredentialIdBytes = 1023;
inline constexpr size_t kMaxUserHandleBytes = 64;
inline constexpr size_t kMaxSignatureBytes = 1024;
inline constexpr size_t kMaxCertificateChain = 5;
// The whole PublicKeyCredential JSON: the base64url forms of the above plus a little.
inline constexpr size_t kMaxResponseJsonBytes = 512 * 1024;

// CollectedClientData (§5.8.1), as the browser serialised it.
struct ClientData {
    std::string type;       // "webauthn.create" or "webauthn.get"
    std::string challenge;  // base64url, as sent
    std::string origin;
    bool cross_origin = false;
};
// Fails (BadRequest) on input over kMaxClientDataJsonBytes, invalid JSON, a non-object, or a
// missing / mistyped type, challenge or origin.
core::Result<ClientData> ParseClientData(std::string_view client_data_json);

// Authenticator data (§6.1).
struct AuthenticatorData {
    std::string rp_id_hash;  // 32 raw bytes
    uint8_t flags = 0;
    uint32_t sign_count = 0;
    // Attested credential data (§6.5.1), set when has_attested_credential().
    std::string aaguid;                 // 16 raw bytes
    std::string credential_id;          // raw bytes
    std::string credential_public_key;  // the COSE_Key's CBOR bytes, as sent

    static constexpr uint8_t kUserPresent = 0x01;
    static constexpr uint8_t kUserVerified = 0x04;
    static constexpr uint8_t kBackupEligible = 0x08;
    static constexpr uint8_t kBackupState = 0x10;
    static constexpr uint8_t kAttestedCredential = 0x40;
    static constexpr uint8_t kExtensions = 0x80;

    bool user_present() const { return (flags & kUserPresent) != 0; }
    bool user_verified() const { return (flags & kUserVerified) != 0; }
    bool backup_eligible() const { return (flags & kBackupEligible) != 0; }
    bool backup_state() const { return (flags & kBackupState) != 0; }
    bool has_attested_credential() const { return (flags & kAttestedCredential) != 0; }
    bool has_extensions() const { return (flags & kExtensions) != 0; }
};
// Fails (BadRequest) on a short or oversized buffer, a credential ID over kMaxCredentialIdBytes,
// a credential public key or extensions that are not a CBOR map, or bytes left over.
core::Result<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes);

// What the relying party expects for a ceremony. Empty challenge, rp_id or origins are a
// programming error (Internal), never a match.
struct Expectation {
    std::string challenge;             // raw bytes, as generated for the ceremony
    std::string rp_id;                 // e.g. "example.com"
    std::vector<std::string> origins;  // e.g. "https://example.com"; compared exactly
    bool require_user_verification = false;
    bool allow_cross_origin = false;  // accept clientData.crossOrigin == true
};

// A verified new credential, for the caller to store.
struct NewCredential {
    std::string id;                // raw credential ID
    std::string public_key;        // COSE_Key CBOR bytes
    std::string aaguid;            // 16 raw bytes
    std::string attestation_type;  // "none" | "self" | "basic"
    uint32_t sign_count = 0;
    bool user_verified = false;
    bool backup_eligible = false;
    bool backup_state = false;
    std::vector<std::string> transports;  // response.transports, as sent (capped)
};
// Registration (§7.1). `response_json` is the PublicKeyCredential a browser script posts:
// {"id":"<b64url>","rawId":"<b64url>","type":"public-key",
//  "response":{"clientDataJSON":"<b64url>","attestationObject":"<b64url>","transports":[...]}}
// Attestation formats "none" and "packed" (self or x5c; the certificate chain is not validated
// against trust anchors). Errors are BadRequest with a short, user-readable reason.
core::Result<NewCredential> VerifyRegistration(std::string_view response_json, const Expectation& e);

struct AssertionResult {
    std::string credential_id;  // raw rawId
    std::string user_handle;    // raw bytes; empty when the response has none
    uint32_t sign_count = 0;    // the authenticator's new counter
    bool user_verified = false;
    bool backup_eligible = false;
    bool backup_state = false;
    // §7.2 step 21: a counter that did not increase although one of the counters is non-zero
    // hints at a cloned authenticator. Reported, not failed.
    bool clone_warning = false;
};
// Authentication (§7.2). `response_json`:
// {"id","rawId","type":"public-key","response":{"clientDataJSON","authenticatorData","signature","userHandle"}}
// `stored_cose_public_key` and `stored_sign_count` are what VerifyRegistration returned (the
// caller looks the credential up by AssertionResult::credential_id / rawId).
core::Result<AssertionResult> VerifyAssertion(std::string_view response_json, const Expectation& e,
                                              std::string_view stored_cose_public_key, uint32_t stored_sign_count);

// The raw credential ID (rawId, which must agree with id) of a posted PublicKeyCredential, so the
// caller can look up the stored key before calling VerifyAssertion. Checks nothing else.
core::Result<std::string> CredentialIdOf(std::string_view response_json);

}  // namespace bia::strategy::webauthn
