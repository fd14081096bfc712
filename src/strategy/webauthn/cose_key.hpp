// COSE_Key public keys (RFC 9052 §7, RFC 9053) as WebAuthn authenticators send them: decoding the
// CBOR map into an OpenSSL EVP_PKEY and verifying ES256 / RS256 / EdDSA signatures with it. Also the
// small libcbor helpers (owning handles, bounded decoding, map look-ups) the WebAuthn core shares.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/public_key.hpp"

struct cbor_item_t;

namespace bia::strategy::webauthn {

// The COSE algorithm identifiers this server accepts (IANA "COSE Algorithms").
inline constexpr int64_t kCoseEs256 = -7;    // ECDSA P-256 with SHA-256, DER signature
inline constexpr int64_t kCoseEdDsa = -8;    // Ed25519, signature over the message itself
inline constexpr int64_t kCoseRs256 = -257;  // RSASSA-PKCS1-v1_5 with SHA-256

// Whether `alg` is one of the three above.
bool IsSupportedCoseAlgorithm(int64_t alg);

using EvpPkeyPtr = crypto::EvpPkeyPtr;

// A decoded credential public key: its COSE algorithm and the OpenSSL key.
struct CosePublicKey {
    int64_t alg = 0;
    EvpPkeyPtr key;
};

// Decodes one COSE_Key (exactly `cbor` — no trailing bytes): EC2 P-256 with alg ES256, OKP Ed25519
// with alg EdDSA, RSA (2048–4096 bit modulus) with alg RS256. Anything else is a BadRequest.
core::Result<CosePublicKey> ParseCoseKey(std::string_view cbor);

// Verifies `signature` over `message` with `key` under COSE algorithm `alg`; fails (BadRequest) when
// the key's type does not fit the algorithm, the algorithm is unsupported or the signature is wrong.
core::Status VerifyCoseSignature(int64_t alg, EVP_PKEY* key, std::string_view message, std::string_view signature);
inline core::Status VerifyCoseSignature(const CosePublicKey& key, std::string_view message,
                                        std::string_view signature) {
    return VerifyCoseSignature(key.alg, key.key.get(), message, signature);
}

// libcbor helpers for this folder's .cpp files; not meant for callers of the WebAuthn core.
namespace cbor_util {

struct CborItemDeleter {
    void operator()(cbor_item_t* item) const;
};
using CborItemPtr = std::unique_ptr<cbor_item_t, CborItemDeleter>;

// Decodes the first CBOR item of `bytes`; `consumed` receives its encoded length. Before
// allocating anything it checks (with libcbor's streaming decoder) that every array and map in
// `bytes` declares no more entries than there are bytes left, so a few bytes cannot make libcbor
// reserve gigabytes; nesting depth is bounded by libcbor itself.
core::Result<CborItemPtr> LoadCbor(std::string_view bytes, size_t* consumed);

// The value stored under an integer / text key of a map; nullptr when absent; an error when the
// key is repeated or `map` is not a map.
core::Result<const cbor_item_t*> MapFind(const cbor_item_t* map, int64_t key);
core::Result<const cbor_item_t*> MapFind(const cbor_item_t* map, std::string_view key);

// Typed views of an item; nullopt when it has another type (or is an indefinite-length string,
// or an integer outside int64_t).
std::optional<int64_t> AsInt(const cbor_item_t* item);
std::optional<std::string_view> AsBytes(const cbor_item_t* item);
std::optional<std::string_view> AsText(const cbor_item_t* item);

}  // namespace cbor_util

}  // namespace bia::strategy::webauthn
