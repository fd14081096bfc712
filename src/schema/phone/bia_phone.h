// The C ABI of the phone-number plugin (libbia-phone.so, built from bia_phone.cpp): libphonenumber
// with its protobuf, ICU and Abseil dependencies costs about 3.8 MiB resident just by being linked,
// so the main binary loads the plugin with dlopen on the first `tel` check (schema/formats.cpp).
#pragma once

#include <stddef.h>  // NOLINT(modernize-deprecated-headers): a C header

#ifdef __cplusplus
extern "C" {
#endif

#define BIA_PHONE_E164_SYMBOL "bia_phone_e164"

// Parses `in` (`len` bytes, no default region: the number must carry its country code) and checks
// it against libphonenumber's metadata, as Kratos's format checker does. Returns 1 and writes the
// E.164 form, NUL-terminated, to `out` when the number is valid; 0 when it is not; -1 on an internal
// error or when `out_cap` is too small (32 bytes always suffice).
typedef int (*bia_phone_e164_fn)(const char* in, size_t len, char* out, size_t out_cap);
int bia_phone_e164(const char* in, size_t len, char* out, size_t out_cap);

#ifdef __cplusplus
}
#endif
