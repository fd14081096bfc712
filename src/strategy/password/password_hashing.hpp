// What the password strategies need from crypto/: verification (with a constant-cost stand-in for
// unknown identifiers), hashing and the re-hash decision — behind one small interface so flows can
// be tested without spending real hashing time.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/hash_pool.hpp"
#include "crypto/password_hasher.hpp"
#include "crypto/password_verifier.hpp"

namespace bia::strategy::password {

class PasswordHashing {
  public:
    virtual ~PasswordHashing() = default;
    virtual core::Result<bool> Verify(std::string_view password, std::string_view encoded) = 0;
    // Costs what a Verify costs, so "no such identifier" cannot be told apart by timing.
    virtual core::Status DummyVerify(std::string_view password) = 0;
    virtual core::Result<std::string> Hash(std::string_view password) = 0;
    // Whether a successful login should store a fresh hash (imported or outdated format).
    virtual bool NeedsRehash(std::string_view encoded) const = 0;
};

// Production adapter: everything runs on crypto::HashPool's bounded workers (callers are on the
// offload pool, never on an I/O thread).
class PooledPasswordHashing final : public PasswordHashing {
  public:
    PooledPasswordHashing(crypto::HashPool& pool, const crypto::PasswordVerifier& verifier,
                          const crypto::PasswordHasher& hasher)
        : pool_(pool), verifier_(verifier), hasher_(hasher) {}

    core::Result<bool> Verify(std::string_view password, std::string_view encoded) override {
        return pool_.VerifyBlocking(password, encoded);
    }
    core::Status DummyVerify(std::string_view password) override { return pool_.DummyVerify(password); }
    core::Result<std::string> Hash(std::string_view password) override { return pool_.HashBlocking(password); }
    bool NeedsRehash(std::string_view encoded) const override { return verifier_.NeedsRehash(encoded, hasher_); }

  private:
    crypto::HashPool& pool_;
    const crypto::PasswordVerifier& verifier_;
    const crypto::PasswordHasher& hasher_;
};

}  // namespace bia::strategy::password
