// Test-only: a software WebAuthn authenticator — OpenSSL keys, COSE keys and attestation objects
// built with libcbor's builder, registration and assertion JSON as a browser script posts them —
// for the verification core's tests and the webauthn flow tests. Header-only.
#pragma once

#include <cbor.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "strategy/webauthn/cose_key.hpp"
#include "strategy/webauthn/webauthn_core.hpp"

namespace bia::strategy::webauthn::soft {

using nlohmann::json;

inline constexpr std::string_view kRpId = "example.com";
inline constexpr std::string_view kOrigin = "https://example.com";
inline const std::string kChallenge = "0123456789abcdef-challenge-bytes";
inline const std::string kAaguid = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10";
inline constexpr uint8_t kUp = AuthenticatorData::kUserPresent;
inline constexpr uint8_t kUv = AuthenticatorData::kUserVerified;
inline constexpr uint8_t kAt = AuthenticatorData::kAttestedCredential;

// ---- building blocks -------------------------------------------------------------------------

struct Cbor {
    cbor_item_t* item;
    explicit Cbor(cbor_item_t* i) : item(i) {}
    Cbor(const Cbor&) = delete;
    Cbor& operator=(const Cbor&) = delete;
    ~Cbor() {
        if (item != nullptr) cbor_decref(&item);
    }
};

// The shortest encoding, as authenticators produce.
inline cbor_item_t* Int(int64_t v) {
    const uint64_t n = v >= 0 ? static_cast<uint64_t>(v) : static_cast<uint64_t>(-1 - v);
    if (n <= 0xff)
        return v >= 0 ? cbor_build_uint8(static_cast<uint8_t>(n)) : cbor_build_negint8(static_cast<uint8_t>(n));
    if (n <= 0xffff) {
        return v >= 0 ? cbor_build_uint16(static_cast<uint16_t>(n)) : cbor_build_negint16(static_cast<uint16_t>(n));
    }
    return v >= 0 ? cbor_build_uint64(n) : cbor_build_negint64(n);
}
inline cbor_item_t* Bytes(std::string_view b) {
    return cbor_build_bytestring(reinterpret_cast<const unsigned char*>(b.data()), b.size());
}
inline cbor_item_t* Text(std::string_view s) { return cbor_build_stringn(s.data(), s.size()); }
inline void Put(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
    ASSERT_TRUE(cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)}));
}
inline std::string Serialize(const cbor_item_t* item) {
    unsigned char* buf = nullptr;
    size_t cap = 0;
    const size_t len = cbor_serialize_alloc(item, &buf, &cap);
    std::string out(reinterpret_cast<const char*>(buf), len);
    free(buf);
    return out;
}

inline EvpPkeyPtr NewP256() { return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }
inline EvpPkeyPtr NewEd25519() { return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }
inline EvpPkeyPtr NewRsa2048() { return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})); }

inline std::string BnParam(EVP_PKEY* key, const char* name, int pad = 0) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    std::string out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
    if (pad > 0) {
        BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), pad);
    } else {
        BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    }
    BN_free(bn);
    return out;
}

// The COSE_Key of `key` for `alg`, as an authenticator would encode it.
inline std::string CoseKeyOf(EVP_PKEY* key, int64_t alg) {
    Cbor map(cbor_new_definite_map(5));
    if (alg == kCoseEs256) {
        Put(map.item, Int(1), Int(2));
        Put(map.item, Int(3), Int(alg));
        Put(map.item, Int(-1), Int(1));
        Put(map.item, Int(-2), Bytes(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)));
        Put(map.item, Int(-3), Bytes(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)));
    } else if (alg == kCoseEdDsa) {
        std::string raw(32, '\0');
        size_t len = raw.size();
        EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len), 1);
        Put(map.item, Int(1), Int(1));
        Put(map.item, Int(3), Int(alg));
        Put(map.item, Int(-1), Int(6));
        Put(map.item, Int(-2), Bytes(raw));
    } else {
        Put(map.item, Int(1), Int(3));
        Put(map.item, Int(3), Int(alg));
        Put(map.item, Int(-1), Bytes(BnParam(key, OSSL_PKEY_PARAM_RSA_N)));
        Put(map.item, Int(-2), Bytes(BnParam(key, OSSL_PKEY_PARAM_RSA_E)));
    }
    return Serialize(map.item);
}

inline std::string Sign(EVP_PKEY* key, int64_t alg, std::string_view msg) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EXPECT_EQ(EVP_DigestSignInit(md, nullptr, alg == kCoseEdDsa ? nullptr : EVP_sha256(), nullptr, key), 1);
    size_t len = 0;
    const auto* m = reinterpret_cast<const unsigned char*>(msg.data());
    EXPECT_EQ(EVP_DigestSign(md, nullptr, &len, m, msg.size()), 1);
    std::string sig(len, '\0');
    EXPECT_EQ(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, m, msg.size()), 1);
    sig.resize(len);
    EVP_MD_CTX_free(md);
    return sig;
}

inline std::string B64(std::string_view bytes) { return core::Base64UrlEncode(bytes); }

// A software authenticator: one credential key and what it puts in authenticator data.
struct Authenticator {
    EVP_PKEY* key = nullptr;
    int64_t alg = kCoseEs256;
    std::string credential_id = "credential-0001";
    std::string aaguid = kAaguid;
    std::string rp_id = std::string(kRpId);
    uint8_t flags = kUp | kUv;
    uint32_t sign_count = 1;

    std::string AuthData(bool attested) const {
        std::string out = core::Sha256(rp_id);
        out += static_cast<char>(flags | (attested ? kAt : 0));
        for (int shift : {24, 16, 8, 0}) out += static_cast<char>(sign_count >> shift & 0xff);
        if (attested) {
            out += aaguid;
            out += static_cast<char>(credential_id.size() >> 8);
            out += static_cast<char>(credential_id.size() & 0xff);
            out += credential_id;
            out += CoseKeyOf(key, alg);
        }
        return out;
    }
};

struct ClientDataSpec {
    std::string type = "webauthn.create";
    std::string challenge = kChallenge;
    std::string origin = std::string(kOrigin);
    bool cross_origin = false;

    std::string Json() const {
        return json{{"type", type}, {"challenge", B64(challenge)}, {"origin", origin}, {"crossOrigin", cross_origin}}
            .dump();
    }
};

inline std::string AttestationObject(std::string_view fmt, cbor_item_t* att_stmt, std::string_view auth_data) {
    Cbor map(cbor_new_definite_map(3));
    Put(map.item, Text("fmt"), Text(fmt));
    Put(map.item, Text("attStmt"), att_stmt);
    Put(map.item, Text("authData"), Bytes(auth_data));
    return Serialize(map.item);
}

inline std::string RegistrationJson(std::string_view client_data_json, std::string_view attestation_object,
                                    std::string_view raw_id) {
    return json{{"id", B64(raw_id)},
                {"rawId", B64(raw_id)},
                {"type", "public-key"},
                {"response",
                 {{"clientDataJSON", B64(client_data_json)},
                  {"attestationObject", B64(attestation_object)},
                  {"transports", {"usb", "internal", 7}}}}}
        .dump();
}

inline std::string AssertionJson(const Authenticator& a, const ClientDataSpec& cd,
                                 std::string_view user_handle = "user-1",
                                 std::optional<std::string> signature = std::nullopt) {
    const std::string auth_data = a.AuthData(false);
    const std::string cd_json = cd.Json();
    json response = {
        {"clientDataJSON", B64(cd_json)},
        {"authenticatorData", B64(auth_data)},
        {"signature", B64(signature ? *signature : Sign(a.key, a.alg, auth_data + core::Sha256(cd_json)))}};
    if (!user_handle.empty()) response["userHandle"] = B64(user_handle);
    return json{
        {"id", B64(a.credential_id)}, {"rawId", B64(a.credential_id)}, {"type", "public-key"}, {"response", response}}
        .dump();
}

}  // namespace bia::strategy::webauthn::soft
