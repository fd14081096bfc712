#include "strategy/totp/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <png.h>
#include <qrencode.h>

#include <chrono>
#include <memory>
#include <vector>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/url.hpp"

namespace bia::strategy::totp {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Go's url.PathEscape-compatible enough for an otpauth label: unreserved characters and the
// sub-delimiters a path keeps pass, everything else is %XX.
std::string EscapeLabel(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~' || c == '$' || c == '&' || c == '+' || c == ',' ||
                          c == ':' || c == ';' || c == '=' || c == '@';
        if (keep) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}

struct QrFree {
    void operator()(QRcode* q) const { QRcode_free(q); }
};

// libpng writes into this buffer instead of a FILE.
void AppendPng(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<const char*>(data), length);
}
void FlushPng(png_structp) {}

// An 8-bit greyscale PNG of `pixels` (size × size, 0 = black, 255 = white).
std::optional<std::string> EncodePng(const std::vector<uint8_t>& pixels, int size) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (png == nullptr) return std::nullopt;
    png_infop info = png_create_info_struct(png);
    if (info == nullptr) {
        png_destroy_write_struct(&png, nullptr);
        return std::nullopt;
    }
    std::string out;
    std::vector<png_bytep> rows(static_cast<size_t>(size));
    for (int y = 0; y < size; ++y) rows[y] = const_cast<png_bytep>(&pixels[static_cast<size_t>(y) * size]);
    // libpng reports errors by longjmp; nothing here owns resources that a jump would leak but
    // the two structs, which the error branch destroys.
    if (setjmp(png_jmpbuf(png))) {  // NOLINT(cert-err52-cpp): libpng's error protocol
        png_destroy_write_struct(&png, &info);
        return std::nullopt;
    }
    png_set_write_fn(png, &out, &AppendPng, &FlushPng);
    png_set_IHDR(png, info, static_cast<png_uint_32>(size), static_cast<png_uint_32>(size), 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

}  // namespace

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1F]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1F]);
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const size_t v = kBase32Alphabet.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
            bits -= 8;
        }
    }
    return out;
}

std::string HotpCode(std::string_view secret, uint64_t counter, int digits) {
    unsigned char message[8];
    for (int i = 7; i >= 0; --i) {
        message[i] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message, sizeof message, mac, &mac_len);
    const int offset = mac[mac_len - 1] & 0x0F;
    const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                            (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
    uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    if (code.size() < static_cast<size_t>(digits)) code.insert(0, static_cast<size_t>(digits) - code.size(), '0');
    return code;
}

std::string TotpCode(std::string_view secret, int64_t unix_seconds, int digits) {
    return HotpCode(secret, static_cast<uint64_t>(unix_seconds / kPeriodSeconds), digits);
}

bool VerifyTotp(std::string_view secret, std::string_view code, core::TimePoint now) {
    if (code.size() != static_cast<size_t>(kDigits)) return false;
    const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    bool match = false;
    for (int64_t skew : {-1, 0, 1}) {
        // Every candidate is compared, so the time taken does not tell which step matched.
        match |= core::ConstantTimeEquals(TotpCode(secret, seconds + skew * kPeriodSeconds), code);
    }
    return match;
}

std::string KeyUrl(std::string_view issuer, std::string_view account, std::string_view secret) {
    // Query keys in Go's url.Values.Encode order (sorted), as Kratos's key URLs have them.
    core::Query q;
    q.Set("algorithm", "SHA1");
    q.Set("digits", std::to_string(kDigits));
    q.Set("issuer", issuer);
    q.Set("period", std::to_string(kPeriodSeconds));
    q.Set("secret", Base32Encode(secret));
    return "otpauth://totp/" + EscapeLabel(std::string(issuer) + ":" + std::string(account)) + "?" + q.Encode(true);
}

std::optional<std::string> SecretOfKeyUrl(std::string_view url) {
    const size_t query = url.find('?');
    if (query == std::string_view::npos) return std::nullopt;
    const core::Query q = core::Query::Parse(url.substr(query + 1));
    auto secret = q.Get("secret");
    if (!secret || secret->empty()) return std::nullopt;
    return Base32Decode(*secret);
}

std::string NewSecret(core::Random& random) {
    const std::vector<uint8_t> bytes = random.Bytes(kSecretBytes);
    return std::string(core::AsChars(bytes));
}

std::optional<std::string> QrPngDataUrl(std::string_view text) {
    const std::string input(text);
    std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!qr || qr->width <= 0 || qr->width > kQrSize) return std::nullopt;
    // Whole pixels per module, the code centred on a white square (as Kratos's barcode scaling).
    const int scale = kQrSize / qr->width;
    const int margin = (kQrSize - scale * qr->width) / 2;
    std::vector<uint8_t> pixels(static_cast<size_t>(kQrSize) * kQrSize, 255);
    for (int y = 0; y < qr->width; ++y) {
        for (int x = 0; x < qr->width; ++x) {
            if ((qr->data[y * qr->width + x] & 1) == 0) continue;  // bit 0: dark module
            for (int dy = 0; dy < scale; ++dy) {
                for (int dx = 0; dx < scale; ++dx) {
                    pixels[static_cast<size_t>(margin + y * scale + dy) * kQrSize + (margin + x * scale + dx)] = 0;
                }
            }
        }
    }
    auto png = EncodePng(pixels, kQrSize);
    if (!png) return std::nullopt;
    return "data:image/png;base64," + core::Base64Encode(*png);
}

}  // namespace bia::strategy::totp
