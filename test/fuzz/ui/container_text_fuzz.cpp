// libFuzzer target: a stored UI read from its text (ui::Container::FromJsonText, the SAX reader
// with the DOM as its fallback). Whatever the text, the answer must be FromJson's on the parsed
// DOM: both succeed with the same container, fail with the same reason, or throw alike; and a
// container the reader took on its own must come back from its own Dump unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "ui/container.hpp"

namespace {

using bia::ui::Container;
using nlohmann::json;

// "ok:<dump>", "error:<reason>" or "threw".
template <class F>
std::string Outcome(F&& read) {
    try {
        auto c = read();
        return c.ok() ? "ok:" + c->Dump(json::error_handler_t::replace) : "error:" + c.error().reason;
    } catch (const json::exception&) {
        return "threw";
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string fast = Outcome([&] { return Container::FromJsonText(text); });
    const std::string dom = Outcome([&] { return Container::FromJson(json::parse(text, nullptr, false)); });
    if (fast != dom) std::abort();
    if (auto read = bia::ui::ReadContainerText(text)) {
        std::string dumped;
        try {
            dumped = read->Dump();
        } catch (const json::exception&) {
            return 0;  // invalid UTF-8 in a string: Dump's strict mode refuses it, as it did before
        }
        auto again = bia::ui::ReadContainerText(dumped);
        if (!again || again->Dump() != dumped) std::abort();
    }
    return 0;
}
