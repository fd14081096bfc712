#include "crypto/public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <string>

namespace bia::crypto {

// Named (not anonymous): the unity build merges this file with the module's others.
namespace public_key_internal {

struct ParamBldDeleter {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BnDeleter {
    void operator()(BIGNUM* p) const { BN_free(p); }
};

const unsigned char* KeyBytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

core::Error SetUpFailed() {
    ERR_clear_error();
    return core::Internal("cannot set up an OpenSSL key");
}

core::Error Invalid(std::string what) {
    ERR_clear_error();
    return core::BadRequest(std::move(what));
}

// Builds a public key of OpenSSL type `type` ("EC", "RSA") from the built parameters and checks it.
core::Result<EvpPkeyPtr> KeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return SetUpFailed();
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr)
        return Invalid("not a valid public key");
    EvpPkeyPtr key(raw);
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return Invalid("not a valid public key");
    return key;
}

}  // namespace public_key_internal

core::Result<EvpPkeyPtr> RsaPublicKey(std::string_view n, std::string_view e, int min_bits, int max_bits) {
    using namespace public_key_internal;
    if (n.empty() || e.empty() || e.size() > 8) return Invalid("bad RSA key");
    std::unique_ptr<BIGNUM, BnDeleter> bn_n(BN_bin2bn(KeyBytes(n), static_cast<int>(n.size()), nullptr));
    std::unique_ptr<BIGNUM, BnDeleter> bn_e(BN_bin2bn(KeyBytes(e), static_cast<int>(e.size()), nullptr));
    if (!bn_n || !bn_e) return SetUpFailed();
    const int bits = BN_num_bits(bn_n.get());
    if (bits < min_bits || bits > max_bits) return Invalid("unsupported RSA key size");
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
        return SetUpFailed();
    }
    return KeyFromParams("RSA", bld.get());
}

core::Result<EvpPkeyPtr> P256PublicKey(std::string_view x, std::string_view y) {
    using namespace public_key_internal;
    if (x.size() != 32 || y.size() != 32) return Invalid("bad EC coordinates");
    std::string point = "\x04";
    point.append(x).append(y);
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
        return SetUpFailed();
    }
    return KeyFromParams("EC", bld.get());
}

}  // namespace bia::crypto
