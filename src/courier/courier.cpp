#include "courier/courier.hpp"

namespace bia::courier {

core::Status Courier::Queue(Template t, std::string_view recipient, const nlohmann::json& model) {
    if (recipient.empty()) return core::BadRequest("courier: the recipient is empty");
    if (recipient.size() > kMaxRecipientBytes)
        return core::BadRequest("courier: the recipient is longer than " + std::to_string(kMaxRecipientBytes) +
                                " bytes");
    for (char c : recipient) {
        if (c == '\r' || c == '\n' || c == '\0') return core::BadRequest("courier: the recipient holds a line break");
    }
    nlohmann::json m = model.is_object() ? model : nlohmann::json::object();
    if (!m.contains("To")) m["To"] = std::string(recipient);
    RenderedEmail email = templates_.Render(t, m);
    if (email.text.size() > kMaxBodyBytes || email.html.size() > kMaxBodyBytes)
        return core::BadRequest("courier: the rendered message is larger than 256 KiB");
    Message msg;
    msg.id = core::Uuid::V4(random_);
    msg.recipient = std::string(recipient);
    msg.subject = std::move(email.subject);
    msg.body = std::move(email.text);
    msg.html_body = std::move(email.html);
    msg.template_type = std::string(TemplateName(t));
    msg.created_at = msg.updated_at = msg.next_attempt_at = clock_.Now();
    return messages_.Add(msg);
}

}  // namespace bia::courier
