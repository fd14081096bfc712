// JSON Schema `format` checks, accepting exactly what Kratos's validator accepts: its format
// functions are thin wrappers over Go's time.Parse, net/mail, net/url and net parsers, whose
// quirks (e.g. a one-digit hour in date-time) are reproduced here.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bia::schema {

using FormatCheck = bool (*)(const nlohmann::json& value);

// The check for a `format` name, or nullptr when the name is not validated (unknown formats
// are ignored, as in Go). Go's checks reject non-string values ("5" is not valid "email"); the
// one format Go lacks, "uuid", follows the JSON Schema rule that non-strings pass.
FormatCheck FindFormat(std::string_view name);

bool IsDateTime(std::string_view s);  // RFC 3339 via Go's time.Parse(time.RFC3339)
bool IsDate(std::string_view s);      // "2006-01-02"
bool IsTime(std::string_view s);      // "15:04:05Z07:00"
bool IsHostname(std::string_view s);  // RFC 1034/1123 labels
bool IsEmail(std::string_view s);     // length limits + hostname domain + net/mail.ParseAddress
// E.164-shaped phone number: '+', country code and 7–15 digits in total, common separators.
// Go uses libphonenumber's per-country metadata; this is the plausibility subset of it.
// A valid phone number with its country code, in E.164 form ("+493012345678"); nullopt otherwise.
std::optional<std::string> TelE164(std::string_view s);
bool IsTel(std::string_view s);
// Where the plugin behind TelE164 (libbia-phone.so) would be loaded from, when no file is there:
// tel checks would then refuse every value. Looks for the file only; it does not load it.
std::optional<std::string> MissingPhoneLibrary();
// Whether a schema document asks for `"format": "tel"` anywhere.
bool UsesTelFormat(const nlohmann::json& schema);
bool IsIpv4(std::string_view s);  // dotted quad, Go's strconv.Atoi per part
bool IsIpv6(std::string_view s);  // net.ParseIP of a string containing ':'
bool IsUri(std::string_view s);   // url.Parse succeeds and the URL has a scheme
bool IsUriReference(std::string_view s);
bool IsUriTemplate(std::string_view s);
bool IsRegex(std::string_view s);
bool IsJsonPointer(std::string_view s);
bool IsRelativeJsonPointer(std::string_view s);
bool IsUuid(std::string_view s);  // 8-4-4-4-12 hex digits

}  // namespace bia::schema
