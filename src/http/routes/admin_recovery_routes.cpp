#include "http/routes/admin_recovery_routes.hpp"

#include "core/time.hpp"
#include "http/routes/body.hpp"

namespace bia::http::routes {

namespace {

// The longest lifetime an admin may give a recovery secret.
constexpr auto kMaxExpiresIn = std::chrono::hours(24 * 30);

core::Result<selfservice::recovery::AdminRecoveryRequest> DecodeAdminRecovery(const Request& r) {
    BIA_TRY_ASSIGN(auto body, DecodeJsonBody(r));
    if (!body.is_object()) return core::BadRequest("The request body must be a JSON object.");
    BIA_TRY(RejectUnknownFields(body, {"identity_id", "expires_in", "flow_type", "return_to"}));
    selfservice::recovery::AdminRecoveryRequest out;
    auto id = body.find("identity_id");
    if (id == body.end() || !id->is_string()) return core::BadRequest("identity_id is required.");
    auto parsed = core::Uuid::Parse(id->get<std::string>());
    if (!parsed) return core::BadRequest("identity_id must be a UUID.");
    out.identity_id = *parsed;
    if (auto e = body.find("expires_in"); e != body.end() && !e->is_null()) {
        if (!e->is_string()) return core::BadRequest("expires_in must be a duration such as \"1h\".");
        auto d = core::ParseGoDuration(e->get<std::string>());
        if (!d || *d <= core::Duration::zero() || *d > kMaxExpiresIn) {
            return core::BadRequest("expires_in must be a positive duration of at most 720h.");
        }
        out.expires_in = *d;
    }
    if (auto f = body.find("flow_type"); f != body.end() && !f->is_null()) {
        auto type = f->is_string() ? selfservice::ParseFlowType(f->get<std::string>()) : std::nullopt;
        if (!type) return core::BadRequest("flow_type must be \"api\" or \"browser\".");
        out.flow_type = *type;
    }
    if (auto rt = body.find("return_to"); rt != body.end() && rt->is_string()) out.return_to = rt->get<std::string>();
    // Kratos's clients send it as a query parameter.
    if (auto rt = r.query.Get("return_to")) out.return_to = std::string(*rt);
    return out;
}

}  // namespace

void AdminRecoveryRoutes::Register(Router& admin) {
    admin.Add("POST", "/admin/recovery/link", [this](Request& r) { return Create(r, "link"); });
    admin.Add("POST", "/admin/recovery/code", [this](Request& r) { return Create(r, "code"); });
}

Response AdminRecoveryRoutes::Create(Request& r, std::string_view method) {
    auto req = DecodeAdminRecovery(r);
    if (!req) return Response::Error(req.error(), r.RequestId());
    // Links are opened in a browser whatever the caller says.
    if (method == "link") req->flow_type = selfservice::FlowType::kBrowser;
    auto made = recovery_.CreateForAdmin(method, *req);
    if (!made) return Response::Error(made.error(), r.RequestId());
    // Kratos answers 200 for a link and 201 for a code.
    return Response::Json(method == "code" ? 201 : 200, *made);
}

}  // namespace bia::http::routes
