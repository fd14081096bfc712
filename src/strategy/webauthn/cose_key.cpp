#include "strategy/webauthn/cose_key.hpp"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <limits>

#include "core/error.hpp"
#include "crypto/public_key.hpp"

namespace bia::strategy::webauthn {

// Named (not anonymous) so the unity build can merge this file with webauthn_core.cpp.
namespace cose_internal {

// COSE_Key labels and values (RFC 9052 §7.1, RFC 9053 §7).
constexpr int64_t kLabelKty = 1;
constexpr int64_t kLabelAlg = 3;
constexpr int64_t kLabelCrvOrN = -1;  // EC2/OKP: crv; RSA: n
constexpr int64_t kLabelXOrE = -2;    // EC2/OKP: x; RSA: e
constexpr int64_t kLabelY = -3;       // EC2: y
constexpr int64_t kKtyOkp = 1;
constexpr int64_t kKtyEc2 = 2;
constexpr int64_t kKtyRsa = 3;
constexpr int64_t kCrvP256 = 1;
constexpr int64_t kCrvEd25519 = 6;

constexpr size_t kMaxCoseKeyBytes = 2048;  // a 4096-bit RSA key is ~530 bytes
constexpr size_t kMaxCoseSignatureBytes = 1024;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 4096;

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

core::Error InvalidKey(std::string what) {
    ERR_clear_error();
    return core::BadRequest("the credential public key is invalid: " + std::move(what));
}

// The shared builders' complaint about the key, as this method words it.
core::Error FromKeyError(const core::Error& e) { return e.code == 400 ? InvalidKey(e.reason) : e; }

core::Result<EvpPkeyPtr> Ec2Key(const cbor_item_t* map) {
    BIA_TRY_ASSIGN(auto crv_item, cbor_util::MapFind(map, kLabelCrvOrN));
    BIA_TRY_ASSIGN(auto x_item, cbor_util::MapFind(map, kLabelXOrE));
    BIA_TRY_ASSIGN(auto y_item, cbor_util::MapFind(map, kLabelY));
    auto crv = cbor_util::AsInt(crv_item);
    if (!crv || *crv != kCrvP256) return InvalidKey("unsupported curve");
    auto x = cbor_util::AsBytes(x_item);
    auto y = cbor_util::AsBytes(y_item);
    if (!x || !y || x->size() != 32 || y->size() != 32) return InvalidKey("bad EC coordinates");
    auto key = crypto::P256PublicKey(*x, *y);
    if (!key) return FromKeyError(key.error());
    return key;
}

core::Result<EvpPkeyPtr> OkpKey(const cbor_item_t* map) {
    BIA_TRY_ASSIGN(auto crv_item, cbor_util::MapFind(map, kLabelCrvOrN));
    BIA_TRY_ASSIGN(auto x_item, cbor_util::MapFind(map, kLabelXOrE));
    auto crv = cbor_util::AsInt(crv_item);
    if (!crv || *crv != kCrvEd25519) return InvalidKey("unsupported curve");
    auto x = cbor_util::AsBytes(x_item);
    if (!x || x->size() != 32) return InvalidKey("bad Ed25519 key");
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(*x), x->size());
    if (raw == nullptr) return InvalidKey("bad Ed25519 key");
    return EvpPkeyPtr(raw);
}

core::Result<EvpPkeyPtr> RsaKey(const cbor_item_t* map) {
    BIA_TRY_ASSIGN(auto n_item, cbor_util::MapFind(map, kLabelCrvOrN));
    BIA_TRY_ASSIGN(auto e_item, cbor_util::MapFind(map, kLabelXOrE));
    auto n = cbor_util::AsBytes(n_item);
    auto e = cbor_util::AsBytes(e_item);
    if (!n || !e) return InvalidKey("bad RSA key");
    auto key = crypto::RsaPublicKey(*n, *e, kMinRsaBits, kMaxRsaBits);
    if (!key) return FromKeyError(key.error());
    return key;
}

bool IsP256(EVP_PKEY* key) {
    char name[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1) return false;
    return OBJ_sn2nid(name) == NID_X9_62_prime256v1;
}

// Whether `key` is the kind of key `alg` signs with.
bool KeyFitsAlgorithm(int64_t alg, EVP_PKEY* key) {
    switch (alg) {
        case kCoseEs256:
            return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC && IsP256(key);
        case kCoseEdDsa:
            return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
        case kCoseRs256: {
            const int bits = EVP_PKEY_get_bits(key);
            return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && bits >= kMinRsaBits && bits <= kMaxRsaBits;
        }
        default:
            return false;
    }
}

}  // namespace cose_internal

bool IsSupportedCoseAlgorithm(int64_t alg) { return alg == kCoseEs256 || alg == kCoseEdDsa || alg == kCoseRs256; }

core::Result<CosePublicKey> ParseCoseKey(std::string_view cbor) {
    using namespace cose_internal;
    if (cbor.empty() || cbor.size() > kMaxCoseKeyBytes) return InvalidKey("bad size");
    size_t consumed = 0;
    auto loaded = cbor_util::LoadCbor(cbor, &consumed);
    if (!loaded) return InvalidKey("not CBOR");
    if (consumed != cbor.size()) return InvalidKey("trailing bytes");
    const cbor_item_t* map = loaded->get();
    if (!cbor_isa_map(map)) return InvalidKey("not a map");
    BIA_TRY_ASSIGN(auto kty_item, cbor_util::MapFind(map, kLabelKty));
    BIA_TRY_ASSIGN(auto alg_item, cbor_util::MapFind(map, kLabelAlg));
    auto kty = cbor_util::AsInt(kty_item);
    auto alg = cbor_util::AsInt(alg_item);
    if (!kty) return InvalidKey("missing key type");
    if (!alg) return InvalidKey("missing algorithm");
    CosePublicKey out;
    out.alg = *alg;
    if (*kty == kKtyEc2 && *alg == kCoseEs256) {
        BIA_TRY_ASSIGN(out.key, Ec2Key(map));
    } else if (*kty == kKtyOkp && *alg == kCoseEdDsa) {
        BIA_TRY_ASSIGN(out.key, OkpKey(map));
    } else if (*kty == kKtyRsa && *alg == kCoseRs256) {
        BIA_TRY_ASSIGN(out.key, RsaKey(map));
    } else {
        return core::BadRequest("the credential public key algorithm is not supported");
    }
    return out;
}

core::Status VerifyCoseSignature(int64_t alg, EVP_PKEY* key, std::string_view message, std::string_view signature) {
    using namespace cose_internal;
    if (!IsSupportedCoseAlgorithm(alg)) return core::BadRequest("the signature algorithm is not supported");
    if (key == nullptr || !KeyFitsAlgorithm(alg, key)) {
        return core::BadRequest("the key does not fit the signature algorithm");
    }
    if (signature.empty() || signature.size() > kMaxCoseSignatureBytes) {
        return core::BadRequest("the signature is invalid");
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
    if (!md) return core::Internal("cannot set up signature verification");
    EVP_PKEY_CTX* pctx = nullptr;  // owned by `md`
    const EVP_MD* digest = alg == kCoseEdDsa ? nullptr : EVP_sha256();
    if (EVP_DigestVerifyInit(md.get(), &pctx, digest, nullptr, key) != 1 ||
        (alg == kCoseRs256 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)) {
        ERR_clear_error();
        return core::Internal("cannot set up signature verification");
    }
    const int ok = EVP_DigestVerify(md.get(), Bytes(signature), signature.size(), Bytes(message), message.size());
    ERR_clear_error();
    if (ok != 1) return core::BadRequest("the signature is invalid");
    return core::Status::Ok();
}

namespace cbor_util {

namespace {
// State of the size pre-scan: bytes not yet handed to the streaming decoder, and whether some
// array or map promised more entries than that.
struct ScanState {
    size_t remaining = 0;
    bool too_large = false;
};
void ScanArrayStart(void* ctx, size_t size) {
    auto* s = static_cast<ScanState*>(ctx);
    if (size > s->remaining) s->too_large = true;
}
void ScanMapStart(void* ctx, size_t size) {
    auto* s = static_cast<ScanState*>(ctx);
    if (size > s->remaining / 2) s->too_large = true;
}
}  // namespace

void CborItemDeleter::operator()(cbor_item_t* item) const {
    if (item != nullptr) cbor_decref(&item);
}

core::Result<CborItemPtr> LoadCbor(std::string_view bytes, size_t* consumed) {
    auto data = reinterpret_cast<cbor_data>(bytes.data());
    cbor_callbacks callbacks = cbor_empty_callbacks;
    callbacks.array_start = ScanArrayStart;
    callbacks.map_start = ScanMapStart;
    ScanState state;
    for (size_t offset = 0; offset < bytes.size();) {
        state.remaining = bytes.size() - offset;
        cbor_decoder_result r = cbor_stream_decode(data + offset, bytes.size() - offset, &callbacks, &state);
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0) return core::BadRequest("malformed CBOR");
        if (state.too_large) return core::BadRequest("malformed CBOR");
        offset += r.read;
    }
    cbor_load_result result{};
    CborItemPtr item(cbor_load(data, bytes.size(), &result));
    if (!item || result.error.code != CBOR_ERR_NONE) return core::BadRequest("malformed CBOR");
    *consumed = result.read;
    return item;
}

namespace {
template <class Matches>
core::Result<const cbor_item_t*> FindIn(const cbor_item_t* map, Matches matches) {
    if (map == nullptr || !cbor_isa_map(map)) return core::BadRequest("malformed CBOR: expected a map");
    const cbor_pair* pairs = cbor_map_handle(map);
    const size_t n = cbor_map_size(map);
    const cbor_item_t* found = nullptr;
    for (size_t i = 0; i < n; ++i) {
        if (pairs[i].key == nullptr || !matches(pairs[i].key)) continue;
        if (found != nullptr) return core::BadRequest("malformed CBOR: repeated map key");
        found = pairs[i].value;
    }
    return found;
}
}  // namespace

core::Result<const cbor_item_t*> MapFind(const cbor_item_t* map, int64_t key) {
    return FindIn(map, [key](const cbor_item_t* k) { return AsInt(k) == key; });
}

core::Result<const cbor_item_t*> MapFind(const cbor_item_t* map, std::string_view key) {
    return FindIn(map, [key](const cbor_item_t* k) { return AsText(k) == key; });
}

std::optional<int64_t> AsInt(const cbor_item_t* item) {
    if (item == nullptr) return std::nullopt;
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (cbor_isa_uint(item)) {
        const uint64_t v = cbor_get_int(item);
        if (v > kMax) return std::nullopt;
        return static_cast<int64_t>(v);
    }
    if (cbor_isa_negint(item)) {
        const uint64_t v = cbor_get_int(item);  // the value is -1 - v
        if (v > kMax) return std::nullopt;
        return -1 - static_cast<int64_t>(v);
    }
    return std::nullopt;
}

std::optional<std::string_view> AsBytes(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return std::nullopt;
    const size_t n = cbor_bytestring_length(item);
    if (n == 0) return std::string_view();
    return std::string_view(reinterpret_cast<const char*>(cbor_bytestring_handle(item)), n);
}

std::optional<std::string_view> AsText(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_string(item) || !cbor_string_is_definite(item)) return std::nullopt;
    const size_t n = cbor_string_length(item);
    if (n == 0) return std::string_view();
    return std::string_view(reinterpret_cast<const char*>(cbor_string_handle(item)), n);
}

}  // namespace cbor_util

}  // namespace bia::strategy::webauthn
