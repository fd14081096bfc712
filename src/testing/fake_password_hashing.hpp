// Test doubles for the password method: an instant hasher ("hash:<pw>"; "legacy:<pw>" stands for
// an imported hash that a login re-hashes) and a breach source that knows no breached password.
// Test-only (header-only).
#pragma once

#include <string>
#include <string_view>

#include "crypto/pwned_range_source.hpp"
#include "identity/identity_service.hpp"
#include "strategy/password/password_hashing.hpp"

namespace bia::testing {

// "hash:<pw>" is the current format; "legacy:<pw>" stands for an imported hash to upgrade.
class FakeHashing final : public strategy::password::PasswordHashing, public identity::PasswordHashing {
  public:
    core::Result<bool> Verify(std::string_view pw, std::string_view encoded) override {
        ++verifies;
        return encoded == "hash:" + std::string(pw) || encoded == "legacy:" + std::string(pw);
    }
    core::Status DummyVerify(std::string_view) override {
        ++dummy_verifies;
        return {};
    }
    core::Result<std::string> Hash(std::string_view pw) override { return "hash:" + std::string(pw); }
    bool NeedsRehash(std::string_view encoded) const override { return encoded.rfind("legacy:", 0) == 0; }
    core::Status CheckImportedHash(std::string_view) override { return {}; }
    int verifies = 0;
    int dummy_verifies = 0;
};

class NoBreaches final : public crypto::PwnedRangeSource {
  public:
    core::Result<crypto::PwnedRangeResponse> FetchRange(std::string_view, std::string_view) override {
        return crypto::PwnedRangeResponse{200, ""};
    }
};

}  // namespace bia::testing
