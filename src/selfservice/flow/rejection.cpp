#include "selfservice/flow/rejection.hpp"

namespace bia::selfservice {

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
