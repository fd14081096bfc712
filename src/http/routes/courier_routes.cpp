#include "http/routes/courier_routes.hpp"

#include <charconv>

#include "core/encoding.hpp"

namespace bia::http::routes {

namespace {

core::Result<courier::MessageFilter> ParseCourierFilter(const Request& r) {
    courier::MessageFilter f;
    if (auto v = r.query.Get("status"); v && !v->empty()) {
        f.status = courier::ParseMessageStatus(*v);
        if (!f.status)
            return core::BadRequest("The status parameter must be one of queued, processing, sent or abandoned.");
    }
    if (auto v = r.query.Get("recipient"); v && !v->empty()) f.recipient = std::string(*v);
    if (auto v = r.query.Get("page_size"); v && !v->empty()) {
        int64_t n = 0;
        auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc() || p != v->data() + v->size() || n < 1 || n > courier::kMaxPageSize)
            return core::BadRequest("The page_size parameter must be an integer between 1 and 1000.");
        f.page_size = n;
    }
    if (auto v = r.query.Get("page_token"); v && !v->empty()) {
        BIA_TRY_ASSIGN(auto cursor, courier::DecodePageToken(*v));
        f.after = cursor;
    }
    return f;
}

std::string CourierPageLink(const Request& r, const courier::MessageFilter& f, const std::string& token,
                            const char* rel) {
    core::Query q;
    if (f.status) q.Add("status", courier::ToString(*f.status));
    if (f.recipient) q.Add("recipient", *f.recipient);
    q.Add("page_size", std::to_string(f.page_size));
    if (!token.empty()) q.Add("page_token", token);
    return "<" + r.path + "?" + q.Encode() + ">; rel=\"" + rel + "\"";
}

}  // namespace

void CourierRoutes::Register(Router& admin) {
    admin.Add("GET", "/admin/courier/messages", [this](Request& r) { return List(r); });
    admin.Add("GET", "/admin/courier/messages/{id}", [this](Request& r) { return Get(r); });
}

Response CourierRoutes::List(Request& r) {
    auto filter = ParseCourierFilter(r);
    if (!filter) return Response::Error(filter.error(), r.RequestId());
    auto page = messages_.List(*filter);
    if (!page) return Response::Error(page.error(), r.RequestId());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : page->messages) out.push_back(courier::ToJson(m));
    auto resp = Response::Json(200, out);
    std::string link = CourierPageLink(r, *filter, "", "first");
    if (page->next) link += "," + CourierPageLink(r, *filter, courier::EncodePageToken(*page->next), "next");
    resp.SetHeader("Link", link);
    return resp;
}

Response CourierRoutes::Get(Request& r) {
    auto id = core::Uuid::Parse(r.Param("id"));
    if (!id) return Response::Error(core::ResourceNotFound(), r.RequestId());
    auto m = messages_.Get(*id);
    if (!m) return Response::Error(m.error(), r.RequestId());
    return Response::Json(200, courier::ToJson(*m));
}

}  // namespace bia::http::routes
