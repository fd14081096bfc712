#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/verification_sender.hpp"

#include <algorithm>
#include <optional>

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

core::Status FlowBase::ParseUi() {
    if (ui_text.empty()) return {};
    BIA_TRY_ASSIGN(ui, ui::Container::FromJsonText(ui_text));
    ui_text.clear();
    return {};
}

namespace {
// The UI a flow's answer shows: `ui`, or its unparsed text read into `scratch` (a flow is parsed
// before anything edits its form, so this only ever reads the stored form back).
const ui::Container& ShownUi(const FlowBase& f, std::optional<ui::Container>& scratch) {
    if (f.ui_text.empty()) return f.ui;
    if (auto parsed = ui::Container::FromJsonText(f.ui_text)) scratch = std::move(parsed).value();
    return scratch ? *scratch : f.ui;
}
}  // namespace

nlohmann::json FlowBase::CommonJson() const {
    core::JsonObject j;  // members in key order
    j.Put("expires_at", core::FormatRfc3339(expires_at));
    j.Put("id", id.ToString());
    j.Put("issued_at", core::FormatRfc3339(issued_at));
    j.Put("request_url", request_url);
    if (auto rt = ReturnTo(); !rt.empty()) j.Put("return_to", std::move(rt));
    j.Put("state", state);
    j.Put("type", ToString(type));
    std::optional<ui::Container> scratch;
    j.Put("ui", ShownUi(*this, scratch).ToJson());
    return std::move(j).Take();
}

std::string FlowBase::AnswerText(std::vector<JsonMemberWriter> members) const {
    const auto errors = core::kAnswerUtf8Errors;
    auto text = [errors](std::string value) {
        return [errors, value = std::move(value)](std::string& out) { core::AppendJsonString(out, value, errors); };
    };
    // CommonJson's members, each kept only when the kind has no member of that key.
    auto add = [&members](std::string_view key, std::function<void(std::string&)> write) {
        for (const auto& m : members) {
            if (m.key == key) return;
        }
        members.push_back({key, std::move(write)});
    };
    add("expires_at", text(core::FormatRfc3339(expires_at)));
    add("id", text(id.ToString()));
    add("issued_at", text(core::FormatRfc3339(issued_at)));
    add("request_url", text(request_url));
    if (auto rt = ReturnTo(); !rt.empty()) add("return_to", text(std::move(rt)));
    add("state", text(state));
    add("type", text(std::string(ToString(type))));
    add("ui", [this, errors](std::string& out) {
        std::optional<ui::Container> scratch;
        ShownUi(*this, scratch).AppendJson(out, errors);
    });
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    std::string out;
    out.reserve(8192);
    out += '{';
    for (size_t k = 0; k < members.size(); ++k) {
        // A key given twice by the kind: its last writer wins, as assigning a DOM member would.
        if (k + 1 < members.size() && members[k + 1].key == members[k].key) continue;
        if (out.size() > 1) out += ',';
        core::AppendJsonKey(out, members[k].key);
        members[k].write(out);
    }
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
