#include "core/uuid.hpp"

#include <algorithm>

namespace bia::core {

Uuid Uuid::V4(Random& random) {
    Uuid u;
    random.Fill(u.b_.data(), u.b_.size());
    u.b_[6] = static_cast<uint8_t>((u.b_[6] & 0x0F) | 0x40);
    u.b_[8] = static_cast<uint8_t>((u.b_[8] & 0x3F) | 0x80);
    return u;
}

Uuid Uuid::V7(Random& random, int64_t unix_ms) {
    Uuid u;
    random.Fill(u.b_.data() + 6, u.b_.size() - 6);
    const auto ms = static_cast<uint64_t>(std::max<int64_t>(unix_ms, 0));
    for (int i = 0; i < 6; ++i) u.b_[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
    u.b_[6] = static_cast<uint8_t>((u.b_[6] & 0x0F) | 0x70);
    u.b_[8] = static_cast<uint8_t>((u.b_[8] & 0x3F) | 0x80);
    return u;
}

namespace {
int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<Uuid> Uuid::Parse(std::string_view s) {
    if (s.size() != 36) return std::nullopt;
    Uuid u;
    size_t bi = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        int hi = Hex(s[i]), lo = Hex(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        u.b_[bi++] = static_cast<uint8_t>(hi << 4 | lo);
        i += 2;
    }
    return u;
}

bool Uuid::IsNil() const {
    for (auto b : b_)
        if (b) return false;
    return true;
}

std::string Uuid::ToString() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(36, '-');
    char* p = out.data();
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) ++p;  // the dash already there
        *p++ = kHex[b_[i] >> 4];
        *p++ = kHex[b_[i] & 0xF];
    }
    return out;
}

}  // namespace bia::core
