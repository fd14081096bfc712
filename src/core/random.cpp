#include "core/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bia::core {

std::vector<uint8_t> Random::Bytes(size_t n) {
    std::vector<uint8_t> v(n);
    Fill(v.data(), n);
    return v;
}

namespace {
std::string Pick(Random& r, size_t n, std::string_view alphabet) {
    // Rejection sampling keeps the distribution uniform.
    const size_t m = alphabet.size();
    const uint8_t limit = static_cast<uint8_t>(256 - (256 % m));
    std::string out;
    out.reserve(n);
    uint8_t buf[64];
    while (out.size() < n) {
        r.Fill(buf, sizeof buf);
        for (uint8_t b : buf) {
            if (b >= limit) continue;
            out.push_back(alphabet[b % m]);
            if (out.size() == n) break;
        }
    }
    return out;
}
}  // namespace

std::string Random::AlphaNumeric(size_t n) {
    return Pick(*this, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

std::string Random::LowerAlphaNumeric(size_t n) { return Pick(*this, n, "abcdefghijklmnopqrstuvwxyz0123456789"); }

std::string Random::Digits(size_t n) { return Pick(*this, n, "0123456789"); }

void SecureRandom::Fill(uint8_t* out, size_t n) {
    // The kernel's CSPRNG (getrandom(2), blocking only until it is first seeded), not OpenSSL's:
    // initialising OpenSSL at start-up costs about 2 MiB of resident memory for nothing.
    while (n > 0) {
        const ssize_t got = ::getrandom(out, n, 0);
        if (got < 0) {
            const int err = errno;
            if (err == EINTR) continue;
            // Running without a working CSPRNG would issue guessable tokens: stop instead.
            throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(err));
        }
        out += got;
        n -= static_cast<size_t>(got);
    }
}

void SeededRandom::Fill(uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        s_ ^= s_ << 13;
        s_ ^= s_ >> 7;
        s_ ^= s_ << 17;
        out[i] = static_cast<uint8_t>(s_ >> 24);
    }
}

}  // namespace bia::core
