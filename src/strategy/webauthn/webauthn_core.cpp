#include "strategy/webauthn/webauthn_core.hpp"

#include <cbor.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "strategy/webauthn/cose_key.hpp"

namespace bia::strategy::webauthn {

// Named (not anonymous) so the unity build can merge this file with cose_key.cpp.
namespace core_internal {

using nlohmann::json;

constexpr size_t kAuthDataHeaderBytes = 37;  // rpIdHash(32) flags(1) signCount(4)
constexpr size_t kAaguidBytes = 16;
constexpr size_t kMaxCertificateBytes = 16 * 1024;
constexpr size_t kMaxTransports = 8;
constexpr size_t kMaxTransportChars = 32;
// id-fido-gen-ce-aaguid (WebAuthn §8.2.1).
constexpr const char* kAaguidExtensionOid = "1.3.6.1.4.1.45724.1.1.4";

struct X509Deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct Asn1ObjectDeleter {
    void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
};
struct Asn1OctetStringDeleter {
    void operator()(ASN1_OCTET_STRING* s) const { ASN1_OCTET_STRING_free(s); }
};

uint32_t BigEndian32(std::string_view b) {
    return static_cast<uint32_t>(static_cast<uint8_t>(b[0])) << 24 |
           static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 16 |
           static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 8 | static_cast<uint32_t>(static_cast<uint8_t>(b[3]));
}

// Largest base64url text (padded or not) that decodes to at most `max_bytes`.
size_t MaxEncodedChars(size_t max_bytes) { return (max_bytes + 2) / 3 * 4; }

core::Result<json> ParseObject(std::string_view text, const char* what) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return core::BadRequest(std::string(what) + " is not a JSON object");
    return j;
}

// The base64url string member `key` of `obj`, decoded; at most `max_bytes` once decoded.
core::Result<std::string> DecodedMember(const json& obj, const char* key, size_t max_bytes, bool allow_empty = false) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return core::BadRequest(std::string("the response lacks ") + key);
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > MaxEncodedChars(max_bytes)) return core::BadRequest(std::string(key) + " is too large");
    auto bytes = core::Base64UrlDecode(text);
    if (!bytes) return core::BadRequest(std::string(key) + " is not base64url");
    if (bytes->size() > max_bytes) return core::BadRequest(std::string(key) + " is too large");
    if (bytes->empty() && !allow_empty) return core::BadRequest(std::string(key) + " is empty");
    return std::move(*bytes);
}

// The parts of a PublicKeyCredential common to both ceremonies.
struct Envelope {
    std::string raw_id;
    json response;  // the "response" object
};

core::Result<Envelope> ParseEnvelope(std::string_view response_json) {
    if (response_json.size() > kMaxResponseJsonBytes) return core::BadRequest("the response is too large");
    BIA_TRY_ASSIGN(json j, ParseObject(response_json, "the response"));
    auto type = j.find("type");
    if (type == j.end() || !type->is_string() || type->get_ref<const std::string&>() != "public-key") {
        return core::BadRequest("the credential type is not public-key");
    }
    Envelope out;
    BIA_TRY_ASSIGN(out.raw_id, DecodedMember(j, "rawId", kMaxCredentialIdBytes));
    BIA_TRY_ASSIGN(std::string id, DecodedMember(j, "id", kMaxCredentialIdBytes));
    if (id != out.raw_id) return core::BadRequest("the credential id does not match rawId");
    auto response = j.find("response");
    if (response == j.end() || !response->is_object()) return core::BadRequest("the response lacks response");
    out.response = std::move(*response);
    return out;
}

core::Status CheckExpectation(const Expectation& e) {
    if (e.challenge.empty() || e.rp_id.empty() || e.origins.empty()) {
        return core::Internal("the WebAuthn ceremony has no challenge, relying party ID or origin to check against");
    }
    return core::Status::Ok();
}

// §7.1 steps 7–10 / §7.2 steps 11–14.
core::Status CheckClientData(const ClientData& cd, std::string_view expected_type, const Expectation& e) {
    if (cd.type != expected_type) return core::BadRequest("the client data type is not " + std::string(expected_type));
    auto challenge = core::Base64UrlDecode(cd.challenge);
    if (!challenge || !core::ConstantTimeEquals(*challenge, e.challenge)) {
        return core::BadRequest("the challenge does not match");
    }
    bool origin_ok = false;
    for (const auto& o : e.origins) origin_ok = origin_ok || o == cd.origin;
    if (!origin_ok) return core::BadRequest("the origin does not match");
    if (cd.cross_origin && !e.allow_cross_origin) return core::BadRequest("cross-origin requests are not allowed");
    return core::Status::Ok();
}

// §7.1 steps 13–16 / §7.2 steps 15–17, plus the backup flags' consistency (BS needs BE).
core::Status CheckAuthenticatorData(const AuthenticatorData& ad, const Expectation& e) {
    if (!core::ConstantTimeEquals(ad.rp_id_hash, core::Sha256(e.rp_id))) {
        return core::BadRequest("the relying party ID does not match");
    }
    if (!ad.user_present()) return core::BadRequest("the user was not present");
    if (e.require_user_verification && !ad.user_verified()) return core::BadRequest("the user was not verified");
    if (ad.backup_state() && !ad.backup_eligible()) return core::BadRequest("the authenticator flags are invalid");
    return core::Status::Ok();
}

// The id-fido-gen-ce-aaguid extension, when the certificate has one, must not be critical and must
// hold the authenticator's AAGUID (an OCTET STRING inside the extension's OCTET STRING).
core::Status CheckAaguidExtension(X509* leaf, std::string_view aaguid) {
    std::unique_ptr<ASN1_OBJECT, Asn1ObjectDeleter> oid(OBJ_txt2obj(kAaguidExtensionOid, 1));
    if (!oid) {
        ERR_clear_error();
        return core::Internal("cannot set up certificate checks");
    }
    const int idx = X509_get_ext_by_OBJ(leaf, oid.get(), -1);
    if (idx < 0) return core::Status::Ok();
    if (X509_get_ext_by_OBJ(leaf, oid.get(), idx) >= 0) {
        return core::BadRequest("the attestation certificate is invalid");
    }
    X509_EXTENSION* ext = X509_get_ext(leaf, idx);
    if (ext == nullptr || X509_EXTENSION_get_critical(ext) != 0) {
        return core::BadRequest("the attestation certificate is invalid");
    }
    const ASN1_OCTET_STRING* outer = X509_EXTENSION_get_data(ext);
    const unsigned char* start = ASN1_STRING_get0_data(outer);
    const long len = ASN1_STRING_length(outer);
    const unsigned char* p = start;
    std::unique_ptr<ASN1_OCTET_STRING, Asn1OctetStringDeleter> inner(d2i_ASN1_OCTET_STRING(nullptr, &p, len));
    ERR_clear_error();
    if (!inner || p != start + len) return core::BadRequest("the attestation certificate is invalid");
    std::string_view value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(inner.get())),
                           static_cast<size_t>(ASN1_STRING_length(inner.get())));
    if (!core::ConstantTimeEquals(value, aaguid)) {
        return core::BadRequest("the attestation certificate does not match the authenticator");
    }
    return core::Status::Ok();
}

// "packed" attestation (§8.2): x5c ("basic") or self attestation ("self"). The certificate chain
// is parsed but not validated against trust anchors.
core::Result<std::string> VerifyPacked(const cbor_item_t* att_stmt, std::string_view signed_data,
                                       const AuthenticatorData& ad, const CosePublicKey& credential_key) {
    BIA_TRY_ASSIGN(auto alg_item, cbor_util::MapFind(att_stmt, "alg"));
    BIA_TRY_ASSIGN(auto sig_item, cbor_util::MapFind(att_stmt, "sig"));
    BIA_TRY_ASSIGN(auto x5c_item, cbor_util::MapFind(att_stmt, "x5c"));
    BIA_TRY_ASSIGN(auto ecdaa_item, cbor_util::MapFind(att_stmt, "ecdaaKeyId"));
    if (ecdaa_item != nullptr) return core::BadRequest("ECDAA attestation is not supported");
    auto alg = cbor_util::AsInt(alg_item);
    auto sig = cbor_util::AsBytes(sig_item);
    if (!alg || !sig || sig->empty() || sig->size() > kMaxSignatureBytes) {
        return core::BadRequest("the attestation statement is malformed");
    }
    if (x5c_item == nullptr) {
        if (*alg != credential_key.alg) {
            return core::BadRequest("the attestation algorithm does not match the credential key");
        }
        if (!VerifyCoseSignature(credential_key, signed_data, *sig)) {
            return core::BadRequest("the attestation signature is invalid");
        }
        return std::string("self");
    }
    if (!cbor_isa_array(x5c_item) || cbor_array_size(x5c_item) == 0) {
        return core::BadRequest("the attestation statement is malformed");
    }
    if (cbor_array_size(x5c_item) > kMaxCertificateChain) {
        return core::BadRequest("the attestation certificate chain is too long");
    }
    std::vector<std::unique_ptr<X509, X509Deleter>> chain;
    cbor_item_t** certs = cbor_array_handle(x5c_item);
    for (size_t i = 0; i < cbor_array_size(x5c_item); ++i) {
        auto der = cbor_util::AsBytes(certs[i]);
        if (!der || der->empty() || der->size() > kMaxCertificateBytes) {
            return core::BadRequest("the attestation certificate is invalid");
        }
        const auto* start = reinterpret_cast<const unsigned char*>(der->data());
        const unsigned char* p = start;
        std::unique_ptr<X509, X509Deleter> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
        ERR_clear_error();
        if (!cert || p != start + der->size()) return core::BadRequest("the attestation certificate is invalid");
        chain.push_back(std::move(cert));
    }
    X509* leaf = chain.front().get();
    if (X509_get_version(leaf) != X509_VERSION_3) return core::BadRequest("the attestation certificate is not v3");
    const uint32_t ext_flags = X509_get_extension_flags(leaf);
    ERR_clear_error();
    if ((ext_flags & (EXFLAG_INVALID | EXFLAG_CA)) != 0) {
        return core::BadRequest("the attestation certificate is invalid");
    }
    EVP_PKEY* leaf_key = X509_get0_pubkey(leaf);
    ERR_clear_error();
    if (leaf_key == nullptr || !VerifyCoseSignature(*alg, leaf_key, signed_data, *sig)) {
        return core::BadRequest("the attestation signature is invalid");
    }
    BIA_TRY(CheckAaguidExtension(leaf, ad.aaguid));
    return std::string("basic");
}

}  // namespace core_internal

core::Result<ClientData> ParseClientData(std::string_view client_data_json) {
    using namespace core_internal;
    if (client_data_json.size() > kMaxClientDataJsonBytes) return core::BadRequest("the client data is too large");
    BIA_TRY_ASSIGN(json j, ParseObject(client_data_json, "the client data"));
    ClientData out;
    for (auto [key, field] :
         {std::pair{"type", &out.type}, std::pair{"challenge", &out.challenge}, std::pair{"origin", &out.origin}}) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return core::BadRequest(std::string("the client data lacks ") + key);
        *field = it->get<std::string>();
    }
    if (auto it = j.find("crossOrigin"); it != j.end() && !it->is_null()) {
        if (!it->is_boolean()) return core::BadRequest("the client data's crossOrigin is not a boolean");
        out.cross_origin = it->get<bool>();
    }
    return out;
}

core::Result<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes) {
    using namespace core_internal;
    if (bytes.size() < kAuthDataHeaderBytes) return core::BadRequest("the authenticator data is too short");
    if (bytes.size() > kMaxAuthenticatorDataBytes) return core::BadRequest("the authenticator data is too large");
    AuthenticatorData out;
    out.rp_id_hash = std::string(bytes.substr(0, 32));
    out.flags = static_cast<uint8_t>(bytes[32]);
    out.sign_count = BigEndian32(bytes.substr(33, 4));
    std::string_view rest = bytes.substr(kAuthDataHeaderBytes);
    if (out.has_attested_credential()) {
        if (rest.size() < kAaguidBytes + 2) return core::BadRequest("the authenticator data is too short");
        out.aaguid = std::string(rest.substr(0, kAaguidBytes));
        const size_t id_len = static_cast<size_t>(static_cast<uint8_t>(rest[kAaguidBytes])) << 8 |
                              static_cast<uint8_t>(rest[kAaguidBytes + 1]);
        rest.remove_prefix(kAaguidBytes + 2);
        if (id_len == 0 || id_len > kMaxCredentialIdBytes) return core::BadRequest("the credential ID is invalid");
        if (rest.size() < id_len) return core::BadRequest("the authenticator data is too short");
        out.credential_id = std::string(rest.substr(0, id_len));
        rest.remove_prefix(id_len);
        size_t consumed = 0;
        auto key = cbor_util::LoadCbor(rest, &consumed);
        if (!key || !cbor_isa_map(key->get())) return core::BadRequest("the credential public key is malformed");
        out.credential_public_key = std::string(rest.substr(0, consumed));
        rest.remove_prefix(consumed);
    }
    if (out.has_extensions()) {
        size_t consumed = 0;
        auto ext = cbor_util::LoadCbor(rest, &consumed);
        if (!ext || !cbor_isa_map(ext->get())) return core::BadRequest("the authenticator extensions are malformed");
        rest.remove_prefix(consumed);
    }
    if (!rest.empty()) return core::BadRequest("the authenticator data has unexpected trailing bytes");
    return out;
}

core::Result<NewCredential> VerifyRegistration(std::string_view response_json, const Expectation& e) {
    using namespace core_internal;
    BIA_TRY(CheckExpectation(e));
    BIA_TRY_ASSIGN(Envelope env, ParseEnvelope(response_json));
    BIA_TRY_ASSIGN(std::string client_data_json,
                   DecodedMember(env.response, "clientDataJSON", kMaxClientDataJsonBytes));
    BIA_TRY_ASSIGN(std::string attestation_object,
                   DecodedMember(env.response, "attestationObject", kMaxAttestationObjectBytes));

    BIA_TRY_ASSIGN(ClientData cd, ParseClientData(client_data_json));
    BIA_TRY(CheckClientData(cd, "webauthn.create", e));

    size_t consumed = 0;
    auto loaded = cbor_util::LoadCbor(attestation_object, &consumed);
    if (!loaded || consumed != attestation_object.size() || !cbor_isa_map(loaded->get())) {
        return core::BadRequest("the attestation object is malformed");
    }
    const cbor_item_t* att = loaded->get();
    BIA_TRY_ASSIGN(auto fmt_item, cbor_util::MapFind(att, "fmt"));
    BIA_TRY_ASSIGN(auto stmt_item, cbor_util::MapFind(att, "attStmt"));
    BIA_TRY_ASSIGN(auto auth_data_item, cbor_util::MapFind(att, "authData"));
    auto fmt = cbor_util::AsText(fmt_item);
    auto auth_data = cbor_util::AsBytes(auth_data_item);
    if (!fmt || !auth_data || stmt_item == nullptr || !cbor_isa_map(stmt_item)) {
        return core::BadRequest("the attestation object is malformed");
    }

    BIA_TRY_ASSIGN(AuthenticatorData ad, ParseAuthenticatorData(*auth_data));
    BIA_TRY(CheckAuthenticatorData(ad, e));
    if (!ad.has_attested_credential()) return core::BadRequest("the authenticator data has no credential");
    if (ad.credential_id != env.raw_id) return core::BadRequest("the credential ID does not match");
    BIA_TRY_ASSIGN(CosePublicKey key, ParseCoseKey(ad.credential_public_key));

    NewCredential out;
    if (*fmt == "none") {
        if (cbor_map_size(stmt_item) != 0) return core::BadRequest("the attestation statement is malformed");
        out.attestation_type = "none";
    } else if (*fmt == "packed") {
        std::string signed_data(*auth_data);
        signed_data += core::Sha256(client_data_json);
        BIA_TRY_ASSIGN(out.attestation_type, VerifyPacked(stmt_item, signed_data, ad, key));
    } else {
        return core::BadRequest("unsupported attestation format");
    }

    out.id = std::move(ad.credential_id);
    out.public_key = std::move(ad.credential_public_key);
    out.aaguid = std::move(ad.aaguid);
    out.sign_count = ad.sign_count;
    out.user_verified = ad.user_verified();
    out.backup_eligible = ad.backup_eligible();
    out.backup_state = ad.backup_state();
    if (auto it = env.response.find("transports"); it != env.response.end() && it->is_array()) {
        for (const auto& t : *it) {
            if (out.transports.size() == kMaxTransports) break;
            if (t.is_string() && !t.get_ref<const std::string&>().empty() &&
                t.get_ref<const std::string&>().size() <= kMaxTransportChars) {
                out.transports.push_back(t.get<std::string>());
            }
        }
    }
    return out;
}

core::Result<AssertionResult> VerifyAssertion(std::string_view response_json, const Expectation& e,
                                              std::string_view stored_cose_public_key, uint32_t stored_sign_count) {
    using namespace core_internal;
    BIA_TRY(CheckExpectation(e));
    BIA_TRY_ASSIGN(Envelope env, ParseEnvelope(response_json));
    BIA_TRY_ASSIGN(std::string client_data_json,
                   DecodedMember(env.response, "clientDataJSON", kMaxClientDataJsonBytes));
    BIA_TRY_ASSIGN(std::string auth_data, DecodedMember(env.response, "authenticatorData", kMaxAuthenticatorDataBytes));
    BIA_TRY_ASSIGN(std::string signature, DecodedMember(env.response, "signature", kMaxSignatureBytes));
    AssertionResult out;
    if (auto it = env.response.find("userHandle"); it != env.response.end() && !it->is_null()) {
        BIA_TRY_ASSIGN(out.user_handle,
                       DecodedMember(env.response, "userHandle", kMaxUserHandleBytes, /*allow_empty=*/true));
    }

    BIA_TRY_ASSIGN(ClientData cd, ParseClientData(client_data_json));
    BIA_TRY(CheckClientData(cd, "webauthn.get", e));
    BIA_TRY_ASSIGN(AuthenticatorData ad, ParseAuthenticatorData(auth_data));
    BIA_TRY(CheckAuthenticatorData(ad, e));

    auto key = ParseCoseKey(stored_cose_public_key);
    if (!key) return core::Internal("the stored WebAuthn public key is unusable");
    std::string signed_data = auth_data;
    signed_data += core::Sha256(client_data_json);
    if (!VerifyCoseSignature(*key, signed_data, signature)) return core::BadRequest("the signature is invalid");

    out.credential_id = std::move(env.raw_id);
    out.sign_count = ad.sign_count;
    out.user_verified = ad.user_verified();
    out.backup_eligible = ad.backup_eligible();
    out.backup_state = ad.backup_state();
    // §7.2 step 21.
    out.clone_warning = (ad.sign_count != 0 || stored_sign_count != 0) && ad.sign_count <= stored_sign_count;
    return out;
}

core::Result<std::string> CredentialIdOf(std::string_view response_json) {
    BIA_TRY_ASSIGN(core_internal::Envelope env, core_internal::ParseEnvelope(response_json));
    return std::move(env.raw_id);
}

}  // namespace bia::strategy::webauthn
