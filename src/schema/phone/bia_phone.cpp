// libbia-phone.so: the `tel` format check on libphonenumber, loaded on first use (bia_phone.h).
#include "schema/phone/bia_phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <string>

extern "C" __attribute__((visibility("default"))) int bia_phone_e164(const char* in, size_t len, char* out,
                                                                     size_t out_cap) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    try {
        const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
        PhoneNumber number;
        // Inputs over 250 characters are refused by the parser itself.
        if (util->Parse(std::string(in, len), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
        if (!util->IsValidNumber(number)) return 0;
        std::string e164;
        util->Format(number, PhoneNumberUtil::E164, &e164);
        if (e164.size() >= out_cap) return -1;
        std::memcpy(out, e164.data(), e164.size());
        out[e164.size()] = '\0';
        return 1;
    } catch (...) {
        return -1;  // nothing may unwind through a C ABI
    }
}
