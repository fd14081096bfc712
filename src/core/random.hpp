// Randomness as a collaborator: the kernel's CSPRNG (getrandom) in production, deterministic in tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bia::core {

class Random {
  public:
    virtual ~Random() = default;
    virtual void Fill(uint8_t* out, size_t n) = 0;

    std::vector<uint8_t> Bytes(size_t n);
    // n characters from [A-Za-z0-9], unbiased.
    std::string AlphaNumeric(size_t n);
    // n characters from [a-z0-9], unbiased.
    std::string LowerAlphaNumeric(size_t n);
    // n decimal digits.
    std::string Digits(size_t n);
};

class SecureRandom final : public Random {
  public:
    void Fill(uint8_t* out, size_t n) override;
};

// Deterministic xorshift generator for tests only.
class SeededRandom final : public Random {
  public:
    explicit SeededRandom(uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ULL) {}
    void Fill(uint8_t* out, size_t n) override;

  private:
    uint64_t s_;
};

}  // namespace bia::core
