#include "http/routes/system_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "http/routes/admin_identities.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

// Kratos's text for a failed readiness check on the public port (healthx with shareErrors=false).
constexpr std::string_view kReadyObfuscated = "error may contain sensitive information and was obfuscated";
constexpr std::string_view kReadyCheckDatabase = "database";
constexpr std::string_view kRedactedMask = "xxxxx";

// Characters that end a URL's authority (or the text around a URL).
bool EndsAuthority(char c) {
    return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' ||
           c == '\'' || c == '<' || c == '>';
}

// Masks `scheme://user:PASSWORD@` (the password is everything after the first ':' of the
// userinfo, up to its last '@').
std::string RedactUserinfo(std::string_view text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t sep = text.find("://", i);
        if (sep == std::string_view::npos) break;
        const size_t start = sep + 3;
        size_t end = start;
        while (end < text.size() && !EndsAuthority(text[end])) ++end;
        const std::string_view authority = text.substr(start, end - start);
        const size_t at = authority.rfind('@');
        const size_t colon = authority.find(':');
        out.append(text.substr(i, start - i));
        if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
            out.append(authority.substr(0, colon + 1)).append(kRedactedMask).append(authority.substr(at));
        } else {
            out.append(authority);
        }
        i = end;
    }
    out.append(text.substr(std::min(i, text.size())));
    return out;
}

// Masks the value of every `password=` key (libpq key=value syntax: a bare word or a quoted
// string with backslash escapes).
std::string RedactPasswordKeys(std::string_view text) {
    constexpr std::string_view kKey = "password";
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t k = i;
        bool found = false;
        for (; k + kKey.size() < text.size(); ++k) {
            bool match = true;
            for (size_t j = 0; j < kKey.size() && match; ++j)
                match = std::tolower(static_cast<unsigned char>(text[k + j])) == kKey[j];
            const bool word_start = k == 0 || !std::isalnum(static_cast<unsigned char>(text[k - 1]));
            if (match && word_start) {
                size_t v = k + kKey.size();
                while (v < text.size() && text[v] == ' ') ++v;
                if (v < text.size() && text[v] == '=') {
                    found = true;
                    break;
                }
            }
        }
        if (!found) break;
        size_t v = text.find('=', k) + 1;
        while (v < text.size() && text[v] == ' ') ++v;
        out.append(text.substr(i, v - i)).append(kRedactedMask);
        if (v < text.size() && text[v] == '\'') {
            ++v;
            while (v < text.size() && text[v] != '\'') v += text[v] == '\\' ? 2 : 1;
            if (v < text.size()) ++v;
        } else {
            while (v < text.size() && !std::isspace(static_cast<unsigned char>(text[v]))) ++v;
        }
        i = std::min(v, text.size());
    }
    out.append(text.substr(std::min(i, text.size())));
    return out;
}

}  // namespace

std::string RedactCredentials(std::string_view text) { return RedactPasswordKeys(RedactUserinfo(text)); }

Response SystemRoutes::Alive(Request&) { return Response::Json(200, {{"status", "ok"}}); }

Response SystemRoutes::Ready(Request& r, bool share_errors) {
    if (!options_.ready) return Response::Json(200, {{"status", "ok"}});
    auto s = options_.ready();
    if (s) return Response::Json(200, {{"status", "ok"}});
    // The error text of a database driver can name the user, host, port and database, so it goes
    // to the log (passwords masked), never to the public port. The admin port, like Kratos's,
    // shares the reason with the operator, with passwords masked as well.
    const core::Error& e = s.error();
    json event = {{"msg", "readiness check failed"},
                  {"check", std::string(kReadyCheckDatabase)},
                  {"listener", share_errors ? "admin" : "public"},
                  {"error", RedactCredentials(e.reason)}};
    if (!e.debug.empty()) event["debug"] = RedactCredentials(e.debug);
    if (!r.RequestId().empty()) event["request_id"] = std::string(r.RequestId());
    const std::string line = event.dump(-1, ' ', false, json::error_handler_t::replace);
    spdlog::default_logger_raw()->log(spdlog::level::err, spdlog::string_view_t(line));
    const std::string shown = share_errors && !e.reason.empty() ? RedactCredentials(e.reason)
                              : share_errors                    ? std::string("unavailable")
                                                                : std::string(kReadyObfuscated);
    return Response::Json(503, {{"errors", {{std::string(kReadyCheckDatabase), shown}}}});
}

Response SystemRoutes::Version(Request&) { return Response::Json(200, {{"version", options_.version}}); }

Response SystemRoutes::ListSchemas(Request& r) {
    auto page = ParsePage(r);
    if (!page) return Response::Error(page.error(), r.RequestId());
    const auto& all = schemas_.all();
    json out = json::array();
    const auto begin = std::min<size_t>(all.size(), static_cast<size_t>(page->offset()));
    const auto end = std::min<size_t>(all.size(), begin + static_cast<size_t>(page->per_page));
    for (size_t k = begin; k < end; ++k) out.push_back({{"id", all[k]->id()}, {"schema", all[k]->raw()}});
    auto resp = Response::Json(200, out);
    WritePaginationHeaders(resp, r.path, *page, static_cast<int64_t>(all.size()));
    return resp;
}

Response SystemRoutes::GetSchema(Request& r) {
    const auto id = r.Param("id");
    const schema::Schema* s = schemas_.Find(id);
    if (!s) {
        return Response::Error(core::NotFound("Identity schema `" + std::string(id) + "` could not be found."),
                               r.RequestId());
    }
    return Response::Json(200, s->raw());
}

void SystemRoutes::RegisterCommon(Router& router, const std::string& prefix) {
    // Health and version answer with and without the admin prefix.
    std::vector<std::string> bases{""};
    if (!prefix.empty()) bases.push_back(prefix);
    // Only the admin listener shares what a failed readiness check says (as Kratos's healthx).
    const bool share = !prefix.empty();
    for (const auto& p : bases) {
        router.Add("GET", p + "/health/alive", [this](Request& r) { return Alive(r); });
        router.Add("GET", p + "/health/ready", [this, share](Request& r) { return Ready(r, share); });
        router.Add("GET", p + "/version", [this](Request& r) { return Version(r); });
    }
    router.Add("GET", prefix + "/schemas", [this](Request& r) { return ListSchemas(r); });
    router.Add("GET", prefix + "/schemas/{id}", [this](Request& r) { return GetSchema(r); });
}

void SystemRoutes::RegisterPublic(Router& router) {
    RegisterCommon(router, "");
    // Admin paths on the public port are sent to the admin listener.
    auto to_admin = [this](Request& r) {
        std::string path = r.path.rfind("/admin", 0) == 0 ? r.path : "/admin" + r.path;
        std::string target = core::JoinUrl(options_.admin_base_url, path);
        if (!r.raw_query.empty()) target += "?" + r.raw_query;
        return Response::Redirect(307, target);
    };
    router.AddMany({"GET", "POST", "PUT", "PATCH", "DELETE"}, "/identities", to_admin);
    router.AddMany({"GET", "POST", "PUT", "PATCH", "DELETE"}, "/identities/{id}", to_admin);
    router.AddMany({"GET", "POST", "PUT", "PATCH", "DELETE"}, "/admin/identities", to_admin);
    router.AddMany({"GET", "POST", "PUT", "PATCH", "DELETE"}, "/admin/identities/{id}", to_admin);
}

void SystemRoutes::RegisterAdmin(Router& router) {
    RegisterCommon(router, "/admin");
    // Any other path without the /admin prefix is answered 307 to the prefixed path.
    router.SetFallback([](Request& r) {
        if (r.path.rfind("/admin", 0) == 0 && (r.path.size() == 6 || r.path[6] == '/')) {
            return Response::Error(core::NotFound("The requested resource could not be found"), r.RequestId());
        }
        std::string target = "/admin" + r.path;
        if (!r.raw_query.empty()) target += "?" + r.raw_query;
        return Response::Redirect(307, target);
    });
}

}  // namespace bia::http::routes
