#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/verification_sender.hpp"

#include "core/json_text.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::selfservice {

std::string_view ToString(FlowType t) { return t == FlowType::kApi ? kFlowTypeApi : kFlowTypeBrowser; }

std::optional<FlowType> ParseFlowType(std::string_view s) {
    if (s == kFlowTypeApi) return FlowType::kApi;
    if (s == kFlowTypeBrowser) return FlowType::kBrowser;
    return std::nullopt;
}

std::string FlowUiUrl(std::string_view ui_url, const core::Uuid& id) {
    auto u = core::Url::Parse(ui_url);
    if (!u)
        return std::string(ui_url) + (ui_url.find('?') == std::string_view::npos ? "?" : "&") + "flow=" + id.ToString();
    core::Query q = u->query();
    q.Set("flow", id.ToString());
    u->SetQuery(q);
    return u->ToString();
}

std::string ReturnToOf(std::string_view request_url) {
    auto u = core::Url::Parse(request_url);
    if (!u) return {};
    const core::Query q = u->query();  // Get() views into the query: keep it alive
    auto rt = q.Get("return_to");
    return rt ? std::string(*rt) : std::string();
}

nlohmann::json FlowBase::CommonJson(bool with_ui) const {
    core::JsonObject j;  // members in key order
    j.Put("expires_at", core::FormatRfc3339(expires_at));
    j.Put("id", id.ToString());
    j.Put("issued_at", core::FormatRfc3339(issued_at));
    j.Put("request_url", request_url);
    if (auto rt = ReturnTo(); !rt.empty()) j.Put("return_to", std::move(rt));
    j.Put("state", state);
    j.Put("type", ToString(type));
    if (with_ui) j.Put("ui", ui.ToJson());
    return std::move(j).Take();
}

std::string FlowBase::UiLastText(const nlohmann::json& members) const {
    const auto* object = members.get_ptr<const nlohmann::json::object_t*>();
    if (object == nullptr || (!object->empty() && object->rbegin()->first >= "ui")) {
        // Not the shape this is for: the whole DOM, written the usual way.
        nlohmann::json all = members.is_object() ? members : nlohmann::json::object();
        all["ui"] = ui.ToJson();
        return core::DumpJsonText(all, core::kAnswerUtf8Errors);
    }
    std::string out;
    out.reserve(8192);
    core::AppendJsonValue(out, members, core::kAnswerUtf8Errors);
    // The object's closing brace makes way for the last member.
    out.pop_back();
    if (!object->empty()) out += ',';
    core::AppendJsonKey(out, "ui");
    ui.AppendJson(out, core::kAnswerUtf8Errors);
    out += '}';
    return out;
}

std::string PublicUrl(std::string_view public_base_url, std::string_view path, std::string_view query) {
    std::string out = core::JoinUrl(public_base_url, path);
    if (!query.empty()) {
        out += '?';
        out += query;
    }
    return out;
}

nlohmann::json ShowVerificationUi(const VerificationStarted& started) {
    return {
        {"action", "show_verification_ui"},
        {"flow", {{"id", started.flow_id.ToString()}, {"verifiable_address", started.address}, {"url", started.url}}}};
}

}  // namespace bia::selfservice
