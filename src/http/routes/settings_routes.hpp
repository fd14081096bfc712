// Public settings routes (settings-flow.md §2–§6) and their admin-port redirects (§1.7): thin
// handlers that prepare the request context, carry the continuity cookie (§10.4) in and out, call
// selfservice::settings::SettingsService and map its outcome to a response. Where stamps are read
// asynchronously (PostgreSQL), the flow fetch's stamps are read by a prefetch step (router.hpp):
// an answer they prove current is written without the request leaving its I/O thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/answer_cache.hpp"
#include "crypto/cookie_sealer.hpp"
#include "http/router.hpp"
#include "http/routes/self_service_http.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/settings/settings_service.hpp"

namespace bia::http::routes {

// Memory settings flow answers may hold (a few thousand flows).
inline constexpr size_t kSettingsFetchCacheBytes = size_t{8} << 20;

class SettingsRoutes {
  public:
    SettingsRoutes(selfservice::settings::SettingsService& settings, const SelfServiceHttp& http,
                   const crypto::CookieSealer& sealer, const core::ChangeWatch* changes = nullptr,
                   size_t fetch_cache_bytes = kSettingsFetchCacheBytes)
        : settings_(settings), http_(http), sealer_(sealer), changes_(changes), fetch_answers_(fetch_cache_bytes) {}

    // Public: GET /self-service/settings/{api,browser,flows}; POST and GET /self-service/settings
    // (offloaded: password changes hash). Admin: the same paths under /admin answer 307 to PUBLIC.
    void Register(Router& public_router, Router& admin_router);

    Response InitApi(Request& r);
    Response InitBrowser(Request& r);
    Response Fetch(Request& r);
    Response Submit(Request& r);

    // The continuity cookie's refs (also read by the social sign-in callback, which may finish a
    // settings flow).
    selfservice::ContinuityRefs ReadContinuity(const Request& r) const;
    // The Set-Cookie for changed refs (none when unchanged; an empty map deletes the cookie).
    std::optional<SetCookie> ContinuityCookie(const selfservice::ContinuityRefs& refs) const;
    // What settings hooks may forward of request `r` (`url`: the request URL as flows see it).
    static selfservice::settings::HookRequestFacts HookFacts(const Request& r, const std::string& url);

  private:
    // What proves a fetch answer current, gathered from the stamps (FetchFromStamps).
    struct FetchProof {
        std::string key;                                     // flow id + ' ' + token
        std::optional<core::AnswerCache::Stamp> stamp;       // the answer's cache stamp
        std::optional<session::SessionStamp> session_stamp;  // read with the flow's: not read again
        core::AnswerCache::Proof proof;
    };
    // What the fetch's prefetch read (Request::prefetched holds a shared_ptr to it).
    struct FetchRead {
        core::Uuid id;
        std::string token;
        std::optional<core::StoreVersion> seen;                             // the change version before the read
        std::optional<core::Result<selfservice::FlowSessionStamp>> result;  // the stamps, once read
    };
    // Fills `f` from the stamps just read and gives the answer they prove current, if any.
    core::AnswerCache::AnswerPtr FetchFromStamps(FetchProof& f,
                                                 const core::Result<selfservice::FlowSessionStamp>& stamps,
                                                 core::TimePoint now);
    bool StartFetchRead(Request& r, std::function<void()> done);
    std::optional<Response> AnswerFetchRead(Request& r);
    // A fetch's answer with the request's CSRF cookie (if one was issued) and Vary: Cookie.
    static Response FetchAnswer(const SelfServiceHttp::Prepared& p, Response resp);

    selfservice::settings::SettingsService& settings_;
    const SelfServiceHttp& http_;
    const crypto::CookieSealer& sealer_;
    const core::ChangeWatch* changes_;  // the store's change version, when it has one
    // Fetch answers by (flow id, session token), each valid under (flow, session, identity) revisions.
    core::AnswerCache fetch_answers_;
};

}  // namespace bia::http::routes
