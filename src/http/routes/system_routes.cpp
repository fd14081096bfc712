#include "http/routes/system_routes.hpp"

#include "http/routes/admin_identities.hpp"

namespace bia::http::routes {

using nlohmann::json;

Response SystemRoutes::Alive(Request&) { return Response::Json(200, {{"status", "ok"}}); }

Response SystemRoutes::Ready(Request&) {
    if (options_.ready) {
        if (auto s = options_.ready(); !s) {
            return Response::Json(
                503, {{"errors", {{"database", s.error().reason.empty() ? "unavailable" : s.error().reason}}}});
        }
    }
    return Response::Json(200, {{"status", "ok"}});
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
    for (const auto& p : bases) {
        router.Add("GET", p + "/health/alive", [this](Request& r) { return Alive(r); });
        router.Add("GET", p + "/health/ready", [this](Request& r) { return Ready(r); });
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
