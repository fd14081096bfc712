#include "selfservice/flow/rejection.hpp"

namespace bia::selfservice {

Rejection Rejection::FromViolations(const std::vector<schema::Violation>& violations) {
    Rejection r;
    for (const auto& v : violations) {
        text::Message m{v.message_id, v.text.empty() ? v.message : v.text, std::string(text::kTypeError), std::nullopt};
        if (!v.context.is_null()) m.context = v.context;
        r.messages.push_back({v.field, std::move(m)});
    }
    return r;
}

void ApplyRejection(ui::Container& ui, const Rejection& rejection) {
    ui.ResetMessages();
    for (const auto& e : rejection.messages) {
        if (e.node.empty()) {
            ui.AddMessage(e.message);
        } else {
            ui.AddNodeMessage(e.node, e.message);
        }
    }
}

std::optional<Rejection> RejectionFromBadRequest(const core::Error& error) {
    if (error.code != 400) return std::nullopt;
    return Rejection::OnFlow(
        text::NewValidationErrorGeneric(error.reason.empty() ? error.EffectiveMessage() : error.reason));
}

}  // namespace bia::selfservice
