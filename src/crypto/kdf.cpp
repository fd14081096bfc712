#include "crypto/kdf.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <thread>

namespace bia::crypto {

namespace {

uint8_t* Bytes(std::string_view s) {
    // libargon2 takes non-const pointers but only writes through them when asked to clear the
    // password (ARGON2_FLAG_CLEAR_PASSWORD), which we never set.
    return reinterpret_cast<uint8_t*>(const_cast<char*>(s.data()));
}

// Wipes the ~32 KiB crypt_data scratch area (it holds password-derived state) when released.
struct CryptDataDeleter {
    void operator()(crypt_data* d) const {
        OPENSSL_cleanse(d, sizeof *d);
        delete d;
    }
};

}  // namespace

core::Result<std::string> Argon2Derive(Argon2Variant variant, const Argon2Cost& cost, std::string_view password,
                                       std::string_view salt, size_t key_length) {
    if (key_length > UINT32_MAX || password.size() > UINT32_MAX || salt.size() > UINT32_MAX) {
        return core::Internal("argon2: input too long");
    }
    uint32_t threads = cost.threads;
    if (threads == 0) {
        threads = std::max(1u, std::min(cost.parallelism, std::thread::hardware_concurrency()));
    }
    std::string out(key_length, '\0');
    argon2_context ctx{};
    ctx.out = reinterpret_cast<uint8_t*>(out.data());
    ctx.outlen = static_cast<uint32_t>(key_length);
    ctx.pwd = Bytes(password);
    ctx.pwdlen = static_cast<uint32_t>(password.size());
    ctx.salt = Bytes(salt);
    ctx.saltlen = static_cast<uint32_t>(salt.size());
    ctx.t_cost = cost.iterations;
    ctx.m_cost = cost.memory_kib;
    ctx.lanes = cost.parallelism;
    // Output does not depend on the thread count, only on the lanes.
    ctx.threads = std::min(threads, std::max(1u, cost.parallelism));
    ctx.version = ARGON2_VERSION_13;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    const int rc = argon2_ctx(&ctx, variant == Argon2Variant::kArgon2id ? Argon2_id : Argon2_i);
    if (rc != ARGON2_OK) {
        return core::Internal(std::string("argon2: ") + argon2_error_message(rc));
    }
    return out;
}

core::Result<std::string> Pbkdf2Derive(Pbkdf2Digest digest, uint32_t iterations, std::string_view password,
                                       std::string_view salt, size_t key_length) {
    const EVP_MD* md = nullptr;
    switch (digest) {
        case Pbkdf2Digest::kSha1:
            md = EVP_sha1();
            break;
        case Pbkdf2Digest::kSha256:
            md = EVP_sha256();
            break;
        case Pbkdf2Digest::kSha512:
            md = EVP_sha512();
            break;
        case Pbkdf2Digest::kSha3_224:
            md = EVP_sha3_224();
            break;
        case Pbkdf2Digest::kSha3_384:
            md = EVP_sha3_384();
            break;
    }
    if (md == nullptr || iterations == 0 || iterations > INT_MAX || key_length == 0 || key_length > INT_MAX ||
        password.size() > INT_MAX || salt.size() > INT_MAX) {
        return core::Internal("pbkdf2: unsupported parameters");
    }
    std::string out(key_length, '\0');
    static constexpr char kEmpty[] = "";
    const char* pw = password.empty() ? kEmpty : password.data();
    const auto* s = reinterpret_cast<const unsigned char*>(salt.empty() ? kEmpty : salt.data());
    if (PKCS5_PBKDF2_HMAC(pw, static_cast<int>(password.size()), s, static_cast<int>(salt.size()),
                          static_cast<int>(iterations), md, static_cast<int>(key_length),
                          reinterpret_cast<unsigned char*>(out.data())) != 1) {
        return core::Internal("pbkdf2: derivation failed");
    }
    return out;
}

core::Result<std::string> BcryptCrypt(std::string_view password, std::string_view setting) {
    if (password.find('\0') != std::string_view::npos) {
        return core::BadRequest("passwords containing NUL characters can not be used with bcrypt");
    }
    std::string pw(password);
    const std::string st(setting);
    std::unique_ptr<crypt_data, CryptDataDeleter> data(new crypt_data{});
    const char* out = crypt_r(pw.c_str(), st.c_str(), data.get());
    OPENSSL_cleanse(pw.data(), pw.size());
    // libxcrypt signals failure with NULL or a string starting with '*', never with a "$2" prefix.
    if (out == nullptr || std::strncmp(out, "$2", 2) != 0 || std::strlen(out) != 60) {
        return core::Internal("bcrypt: crypt_r rejected the setting");
    }
    return std::string(out);
}

core::Result<std::string> BcryptSetting(int cost, std::string_view salt16) {
    char buf[CRYPT_GENSALT_OUTPUT_SIZE];
    if (salt16.size() != 16 || crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), salt16.data(),
                                                static_cast<int>(salt16.size()), buf, sizeof buf) == nullptr) {
        return core::Internal("bcrypt: crypt_gensalt_rn rejected the cost or salt");
    }
    return std::string(buf);
}

}  // namespace bia::crypto
