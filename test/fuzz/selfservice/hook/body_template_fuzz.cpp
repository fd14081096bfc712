// libFuzzer target: the web hook's Jsonnet body renderer (settings-flow.md §14) and its input.
// The first byte picks a mode (byte % 3) and, for modes 0 and 1, a template (byte / 3 % 3):
//   0  request facts as a hook sees them — line 1 the method, line 2 the URL, then header lines
//      "Name: value" up to a line "=", after which the identity's traits as JSON — go through
//      BuildContext (header allow-list, cookies, identity without credentials) and are rendered by
//      a pass-through template and one of three like the ones operators write (cancel on a
//      trait, typical field picks, std.extVar('ctx'));
//   1  the rest is the ctx JSON itself, rendered the same way;
//   2  the rest is template text: CheckJsonnetSyntax and BodyTemplate::Load (base64://), and, for
//      short templates that can only do bounded work, Render against a fixed ctx.
// JSON is parsed with the request decoders' nesting limit (64; documents deeper than that never
// reach a hook). Invariants: the pass-through template renders a JSON object; the cancel template
// cancels exactly when asked to.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "selfservice/hook/body_template.hpp"
#include "selfservice/hook/hook_context.hpp"

namespace {

using bia::selfservice::hook::BodyTemplate;
using nlohmann::json;

void Check(bool ok) {
    if (!ok) std::abort();
}

constexpr const char* kPassThrough = "function(ctx) ctx";
constexpr const char* kCancel = R"(function(ctx)
  if std.objectHas(ctx, 'identity') && std.isObject(ctx.identity.traits) && std.objectHas(ctx.identity.traits, 'cancel')
  then error 'cancel'
  else { body: std.manifestJsonEx(ctx, '  ') })";
constexpr const char* kTypical = R"(function(ctx) {
  email: ctx.identity.traits.email,
  name: ctx.identity.traits.name.first + ' ' + ctx.identity.traits.name.last,
  agent: ctx.request_headers['User-Agent'][0],
  cookies: std.objectFields(ctx.request_cookies),
  url: ctx.request_url,
  method: std.asciiLower(ctx.request_method),
})";
constexpr const char* kExtVar = R"(local ctx = std.extVar('ctx');
{ fields: std.objectFields(ctx), headers: std.length(ctx.request_headers), s: std.toString(ctx) })";

std::vector<std::unique_ptr<BodyTemplate>> Load() {
    std::vector<std::unique_ptr<BodyTemplate>> out;
    for (const char* t : {kPassThrough, kCancel, kTypical, kExtVar}) {
        out.push_back(BodyTemplate::Load("base64://" + bia::core::Base64Encode(t), nullptr).value());
    }
    return out;
}

const std::vector<std::unique_ptr<BodyTemplate>>& Templates() {
    static const auto templates = Load();
    return templates;
}

// Deepest bracket nesting outside strings.
int Depth(std::string_view text) {
    int depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            max = std::max(max, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return max;
}

std::optional<json> ParseLimited(std::string_view text) {
    if (Depth(text) > 64) return std::nullopt;
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

// The pass-through template always, and one of the other three (`which`): each render starts a
// Jsonnet VM, which costs far more than anything else here.
void Render(const json& ctx, uint8_t which) {
    const auto& t = Templates();
    auto passed = t[0]->Render(ctx);
    if (!passed) {
        // Jsonnet's indentation can take a deep document past the 256 KiB output cap.
        Check(passed.error().reason.find("rendered more than 256 KiB") != std::string::npos);
    } else {
        Check(passed->has_value());
        const json back = json::parse(**passed, nullptr, false);
        Check(back.is_object() == ctx.is_object());
    }
    switch (which % 3) {
        case 0: {
            auto cancel = t[1]->Render(ctx);
            const bool asks = ctx.is_object() && ctx.contains("identity") && ctx["identity"].is_object() &&
                              ctx["identity"].contains("traits") && ctx["identity"]["traits"].is_object() &&
                              ctx["identity"]["traits"].contains("cancel");
            if (cancel.ok()) Check(cancel->has_value() != asks);
            break;
        }
        case 1:
            (void)t[2]->Render(ctx);
            break;
        default:
            (void)t[3]->Render(ctx);
            break;
    }
}

// Templates without calls, comprehensions or the standard library cannot loop or blow up
// exponentially within 256 bytes, so they are safe to evaluate under a fuzzer's time limit.
bool BoundedWork(std::string_view text) {
    return text.size() <= 256 && text.find('(') == std::string_view::npos &&
           text.find("for") == std::string_view::npos && text.find("std") == std::string_view::npos;
}

}  // namespace

// Each render starts a Jsonnet VM that makes hundreds of thousands of small allocations; under ASan
// the default 256 MiB quarantine and 30-frame allocation stacks made the fuzzer's RSS climb ~3 MB
// per input towards the 2 GiB limit (no leak: the g++ replay stays at 17 MB over 400 inputs).
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=8:malloc_context_size=2"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || size > 32768) return 0;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
        case 0: {
            bia::selfservice::hook::HookRequest req;
            json traits = json::object();
            size_t line_no = 0;
            while (!rest.empty()) {
                const size_t nl = rest.find('\n');
                std::string_view line = rest.substr(0, nl);
                rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
                if (line == "=") {
                    auto parsed = ParseLimited(rest);
                    if (!parsed) return 0;
                    traits = std::move(*parsed);
                    break;
                }
                if (line_no == 0) {
                    req.method = std::string(line);
                } else if (line_no == 1) {
                    req.url = std::string(line);
                } else {
                    const size_t colon = line.find(':');
                    std::string name(line.substr(0, colon));
                    std::string value(colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1));
                    if (bia::selfservice::hook::CanonicalHeaderKey(name) == "Cookie") {
                        // http/ hands the parsed cookies over separately (last one wins).
                        const size_t eq = value.find('=');
                        req.cookies[value.substr(0, eq)] = eq == std::string::npos ? "" : value.substr(eq + 1);
                    }
                    req.headers.emplace_back(std::move(name), std::move(value));
                }
                ++line_no;
            }
            const json flow = {{"id", "6f0c5c4e-3b3a-4f5e-9d5a-1f2e3d4c5b6a"}, {"type", "browser"}};
            const json identity = {{"id", "0b6a4f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c"},
                                   {"traits", traits},
                                   {"credentials", {{"password", {{"hashed_password", "x"}}}}}};
            const json ctx = bia::selfservice::hook::BuildContext(flow, identity, json(nullptr), req);
            Check(!ctx["identity"].contains("credentials"));
            Render(ctx, data[0] / 3);
            break;
        }
        case 1: {
            auto ctx = ParseLimited(rest);
            if (ctx) Render(*ctx, data[0] / 3);
            break;
        }
        default: {
            const std::string text(rest);
            (void)bia::selfservice::hook::CheckJsonnetSyntax("fuzz", text);
            auto loaded = BodyTemplate::Load("base64://" + bia::core::Base64Encode(text), nullptr);
            if (loaded && BoundedWork(text)) (void)(*loaded)->Render(json{{"identity", {{"traits", json::object()}}}});
            break;
        }
    }
    return 0;
}
