// libFuzzer target: the credentials a request carries — the session token (X-Session-Token, the
// G1 X-Session-Cookie header, the sealed session cookie, `Authorization: Bearer`; settings-flow.md
// §1.4, §17.3), the CSRF cookie and the CSRF check of a submission (§12) — as the self-service
// routes read them: SessionResolver::Token/Resolve, CsrfCookies::Read/Sent,
// SelfServiceHttp::Prepare and EnsureCsrf for browser and API flows.
//
// Input: the first line is the csrf_token a form submits; every further line is a header
// "Name: value" (no colon: a header without value). In both, $T expands to a live session's
// token, $S to its sealed cookie value, $C to a well-formed CSRF cookie value, $M to a masked
// token of $C and $N to the CSRF cookie's name, so the fuzzer reaches the accepting paths.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "crypto/csrf_token.hpp"
#include "http/routes/self_service_http.hpp"
#include "selfservice/flow/csrf.hpp"
#include "testing/self_service_http_world.hpp"

namespace {

using namespace bia;

struct World : bia::testing::SelfServiceHttpWorld {
    std::string token, sealed, csrf_cookie, masked;

    World() {
        identity::Identity i;
        i.id = core::Uuid::V4(random);
        token = sessions.Issue(i, {"password", "aal1", {}, {}})->token;
        sealed = sealer.Seal(resolver.cookie_name(), token).value();
        csrf_cookie = crypto::GenerateCsrfCookieValue(random);
        masked = crypto::MaskCsrfToken(csrf_cookie, random).value();
    }

    std::string Expand(std::string_view in) const {
        std::string out;
        for (size_t i = 0; i < in.size(); ++i) {
            if (in[i] == '$' && i + 1 < in.size()) {
                const std::string* with = nullptr;
                switch (in[i + 1]) {
                    case 'T':
                        with = &token;
                        break;
                    case 'S':
                        with = &sealed;
                        break;
                    case 'C':
                        with = &csrf_cookie;
                        break;
                    case 'M':
                        with = &masked;
                        break;
                    case 'N':
                        with = &csrf.name();
                        break;
                    default:
                        break;
                }
                if (with != nullptr) {
                    out += *with;
                    ++i;
                    continue;
                }
            }
            out += in[i];
        }
        return out;
    }
};

World& TheWorld() {
    static World w;
    return w;
}

void Check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 16384) return 0;  // each placeholder grows the input ~100-fold
    World& w = TheWorld();
    std::string_view in(reinterpret_cast<const char*>(data), size);
    size_t nl = in.find('\n');
    const std::string submitted = w.Expand(in.substr(0, nl));

    http::Request r;
    r.method = "POST";
    r.target = r.path = "/self-service/settings";
    while (nl != std::string_view::npos) {
        in.remove_prefix(nl + 1);
        nl = in.find('\n');
        std::string_view line = in.substr(0, nl);
        const size_t colon = line.find(':');
        std::string_view name = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        r.headers.emplace_back(std::string(name), w.Expand(value));
    }

    const auto token = w.resolver.Token(r);
    if (token) Check(!token->empty());
    if (auto h = r.Header(http::routes::kSessionTokenHeader); h && !h->empty()) Check(token == std::string(*h));
    auto resolved = w.resolver.Resolve(r);
    if (resolved)
        Check(resolved->token == w.token && token == w.token);
    else
        Check(resolved.error().code == 401);

    const auto csrf_cookie = w.csrf.Read(r);
    if (csrf_cookie) Check(w.csrf.Sent(r));

    using http::routes::CsrfMiddleware;
    for (CsrfMiddleware mode : {CsrfMiddleware::kApply, CsrfMiddleware::kExclude}) {
        auto prepared = w.http.Prepare(r, mode, /*resolve_session=*/true);
        Check(prepared.ok());
        const selfservice::RequestContext& ctx = prepared->ctx;
        Check(ctx.session.has_value() == resolved.ok());
        if (csrf_cookie) Check(ctx.csrf_token == *csrf_cookie && prepared->cookies.empty());
        if (mode == CsrfMiddleware::kApply) Check(!ctx.csrf_token.empty());
        if (mode == CsrfMiddleware::kExclude) Check(ctx.csrf_token.empty() == !csrf_cookie);

        if (selfservice::EnsureCsrf(selfservice::FlowType::kBrowser, ctx, submitted)) {
            Check(ctx.cookie_header_sent && ctx.csrf_cookie_sent);
            Check(crypto::VerifyCsrfToken(ctx.csrf_token, submitted));
        }
        if (selfservice::EnsureCsrf(selfservice::FlowType::kApi, ctx, submitted)) {
            Check(!ctx.origin_header_sent);
            for (const auto& n : ctx.cookie_names) Check(selfservice::IsIgnoredApiFlowCookie(n));
        }
        (void)selfservice::MaskedCsrfToken(selfservice::FlowType::kBrowser, ctx, w.random);
    }
    return 0;
}
