#include "http/routes/static_file_routes.hpp"

namespace bia::http::routes {

Response ServeStaticFile(const StaticFile& file) {
    Response r;
    r.status = 200;
    r.body = std::string(file.body);
    r.SetHeader("Content-Type", file.content_type);
    r.SetHeader("Cache-Control", "public, max-age=300");
    r.SetHeader("Access-Control-Allow-Origin", "*");
    r.SetHeader("X-Content-Type-Options", "nosniff");
    return r;
}

void StaticFileRoutes::Register(Router& public_router) const {
    for (const StaticFile& f : files_) {
        public_router.AddMany({"GET", "HEAD"}, f.path, [&f](Request&) { return ServeStaticFile(f); });
    }
}

}  // namespace bia::http::routes
