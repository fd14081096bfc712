// libFuzzer target: the return_to validator (settings-flow.md §1.5). Checks the input as a bare
// return_to value, as the query parameter of a flow's request URL, and as a whole source URL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/url.hpp"
#include "selfservice/flow/return_to.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bia::selfservice::ReturnToValidator validator(
        {"http://127.0.0.1:4455/", "https://app.example.com/callback", "https://*.example.org/", "/relative",
         "https://*/"},
        "http://127.0.0.1:4433/");
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const std::string def = "http://127.0.0.1:4455/";
    (void)validator.Check(in, def);
    (void)validator.Resolve(in, def);
    (void)validator.Resolve("http://127.0.0.1:4433/self-service/login/browser?return_to=" + std::string(in), def);
    return 0;
}
