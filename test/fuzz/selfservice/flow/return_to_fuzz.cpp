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
    // Whatever is followed must be, read as a browser reads it, on an allowed origin — and be
    // that reading already (issue 13: the emitted Location is never the raw input).
    if (auto followed = validator.Check(in, def); followed.ok() && *followed != def) {
        auto u = bia::selfservice::BrowserUrl::Parse(*followed, false);
        if (!u || u->ToString() != *followed) __builtin_trap();
        const bool allowed =
            (u->scheme == "http" && u->host == "127.0.0.1" && (u->port == "4455" || u->port == "4433")) ||
            (u->scheme == "https" && u->host == "app.example.com") ||
            (u->scheme == "https" && u->host.size() > 12 &&
             u->host.compare(u->host.size() - 12, 12, ".example.org") == 0);
        if (!allowed) __builtin_trap();
    }
    (void)validator.Resolve(in, def);
    (void)validator.Resolve("http://127.0.0.1:4433/self-service/login/browser?return_to=" + std::string(in), def);
    return 0;
}
