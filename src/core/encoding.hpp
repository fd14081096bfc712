// Byte/text encodings used on the wire: base64 (std and url alphabets), hex, percent-encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bia::core {

std::string Base64Encode(std::string_view bytes, bool pad = true);
std::string Base64UrlEncode(std::string_view bytes, bool pad = false);
// Accepts padded or unpadded input; nullopt on any invalid character.
std::optional<std::string> Base64Decode(std::string_view text);
std::optional<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);
inline std::string_view AsChars(const std::vector<uint8_t>& v) {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}

// RFC 3986 unreserved characters pass; everything else is %XX (Go's url.QueryEscape uses '+'
// for space when `space_as_plus`).
std::string PercentEncode(std::string_view s, bool space_as_plus = true);
// Decodes %XX and, when `plus_as_space`, '+'; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space = true);

// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

}  // namespace bia::core
