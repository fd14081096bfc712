#include "http/routes/undo_routes.hpp"

#include "http/routes/body.hpp"
#include "http/routes/flow_body.hpp"
#include "http/routes/html_response.hpp"
#include "selfservice/flow/flow.hpp"
#include "ui/container.hpp"
#include "ui/html_page.hpp"
#include "ui/node.hpp"

namespace bia::http::routes {

using nlohmann::json;

void UndoRoutes::Register(Router& public_router) {
    const std::string route(selfservice::undo::kRoute);
    public_router.Add("GET", route, [this](Request& r) { return Show(r); });
    public_router.Add("POST", route, [this](Request& r) { return Confirm(r); });
}

Response UndoRoutes::Show(Request& r) {
    const std::string token(r.query.Get("token").value_or(""));
    auto preview = undo_.Preview(token);
    if (r.AcceptsJson()) {
        return preview ? Response::Json(200, *preview) : Response::Error(preview.error(), r.RequestId());
    }
    if (!preview) {
        return HtmlResponse(preview.error().code, ui::RenderTextPage("Undo a change", {preview.error().reason}, {}));
    }
    const bool address = preview->value("change", "") == selfservice::undo::kChangeAddress;
    const std::string what =
        address
            ? "Put back " + preview->value("address", "") + " as this account's address" +
                  (preview->contains("new_address") ? " (instead of " + preview->value("new_address", "") + ")" : "")
            : "Remove the new password of the account of " + preview->value("address", "");
    // The confirmation form, drawn by the same renderer as the flows' forms (Bia's own texts: no
    // Kratos message ids).
    ui::Container form;
    form.action = selfservice::PublicUrl(public_base_url_, selfservice::undo::kRoute);
    form.method = "POST";
    form.nodes.push_back(ui::NewInput("token", ui::kGroupDefault, ui::kInputHidden, token, true));
    form.nodes.push_back(ui::WithLabel(ui::NewInput(ui::kMethodName, ui::kGroupDefault, ui::kInputSubmit, "undo"),
                                       text::Message{0, "Undo the change and sign out everywhere", "info", {}}));
    form.AddMessage(text::Message{0, what + ".", "info", {}});
    const json page = {{"ui", form.ToJson()}};
    return HtmlResponse(200, ui::RenderFlowPage("Undo a change", page, {}));
}

Response UndoRoutes::Confirm(Request& r) {
    auto body = DecodeFlowBody(r, nullptr);
    if (!body) return Response::Error(body.error(), r.RequestId());
    auto token = body->find("token");
    auto done = undo_.Apply(token != body->end() && token->is_string() ? token->get<std::string>() : "");
    if (r.AcceptsJson()) return done ? Response::Json(200, *done) : Response::Error(done.error(), r.RequestId());
    if (!done) {
        return HtmlResponse(done.error().code, ui::RenderTextPage("Undo a change", {done.error().reason}, {}));
    }
    return Response::Redirect(303, login_ui_url_);
}

}  // namespace bia::http::routes
