#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

using nlohmann::json;

ui::Node PasswordInput(std::string_view autocomplete) {
    ui::Node n = ui::WithLabel(ui::NewInput(kPasswordField, ui::kGroupPassword, ui::kInputPassword, nullptr, true),
                               text::NewInfoNodeInputPassword());
    n.Input()->autocomplete = std::string(autocomplete);
    return n;
}

ui::Node MethodSubmit(text::Message label) {
    return ui::WithLabel(ui::NewInput(ui::kMethodName, ui::kGroupPassword, ui::kInputSubmit, std::string(kMethod)),
                         std::move(label));
}

namespace {

const json* FindIdentifierTitle(const json& properties) {
    if (!properties.is_object()) return nullptr;
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const json& p = it.value();
        if (!p.is_object()) continue;
        auto ext = p.find("ory.sh/kratos");
        if (ext != p.end() && ext->is_object()) {
            const json* flag = nullptr;
            if (auto c = ext->find("credentials"); c != ext->end() && c->is_object()) {
                if (auto pw = c->find("password"); pw != c->end() && pw->is_object()) {
                    if (auto id = pw->find("identifier"); id != pw->end()) flag = &*id;
                }
            }
            if (flag && flag->is_boolean() && flag->get<bool>()) {
                auto title = p.find("title");
                static const json kEmpty = "";
                return title != p.end() && title->is_string() ? &*title : &kEmpty;
            }
        }
        if (auto nested = p.find("properties"); nested != p.end()) {
            if (const json* t = FindIdentifierTitle(*nested)) return t;
        }
    }
    return nullptr;
}

}  // namespace

text::Message IdentifierLabel(const schema::Schema& schema) {
    const json& raw = schema.raw();
    const json* traits_props = nullptr;
    if (auto props = raw.find("properties"); props != raw.end() && props->is_object()) {
        if (auto traits = props->find("traits"); traits != props->end() && traits->is_object()) {
            if (auto tp = traits->find("properties"); tp != traits->end()) traits_props = &*tp;
        }
    }
    if (traits_props) {
        const json* title = FindIdentifierTitle(*traits_props);
        if (title && !title->get_ref<const std::string&>().empty())
            return text::NewInfoNodeLabelGenerated(title->get<std::string>(), kIdentifierField);
    }
    return text::NewInfoNodeLabelId();
}

text::Message PolicyMessage(const crypto::PasswordViolation& v) {
    text::Message m;
    m.id = static_cast<int>(v.message_id);
    m.text = v.text;
    m.type = std::string(text::kTypeError);
    if (v.context.is_object() && !v.context.empty()) m.context = v.context;
    return m;
}

}  // namespace bia::strategy::password
