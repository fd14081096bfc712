#include "ui/html_page.hpp"

#include <algorithm>
#include <map>

namespace bia::ui {

using nlohmann::json;

namespace {

std::string HtmlStr(const json& j, std::string_view key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

// A message's text in the catalogue's language (its own English text without one).
std::string MessageText(const json& m, const text::Catalog* catalog) {
    std::string english = HtmlStr(m, "text");
    if (catalog == nullptr || !m.is_object()) return english;
    auto id = m.find("id");
    if (id == m.end() || !id->is_number_integer()) return english;
    return catalog->Message(id->get<int>(), m.value("context", json::object()), english);
}

std::string HtmlLabelOf(const json& node, const text::Catalog* catalog) {
    const json meta = node.value("meta", json::object());
    if (meta.is_object() && meta.contains("label") && meta["label"].is_object())
        return MessageText(meta["label"], catalog);
    return {};
}

std::string HtmlAttr(std::string_view name, std::string_view value) {
    return " " + std::string(name) + "=\"" + HtmlEscape(value) + "\"";
}

std::string HtmlMessages(const json& list, const text::Catalog* catalog, std::string_view id = {}) {
    if (!list.is_array() || list.empty()) return {};
    std::string out = "<ul class=\"messages\"";
    if (!id.empty()) out += HtmlAttr("id", id);
    out += ">";
    for (const auto& m : list) {
        out += "<li" + HtmlAttr("class", HtmlStr(m, "type")) + HtmlAttr("data-id", HtmlStr(m, "id")) + ">" +
               HtmlEscape(MessageText(m, catalog)) + "</li>";
    }
    return out + "</ul>";
}

// One node; `n` numbers the inputs so labels can point at them.
std::string RenderNode(const json& node, int n, const text::Catalog* catalog) {
    const json a = node.value("attributes", json::object());
    const std::string type = HtmlStr(a, "node_type");
    const std::string label = HtmlLabelOf(node, catalog);
    if (type == "script") {
        return "<script" + HtmlAttr("src", HtmlStr(a, "src")) + HtmlAttr("type", HtmlStr(a, "type")) +
               HtmlAttr("integrity", HtmlStr(a, "integrity")) + HtmlAttr("crossorigin", HtmlStr(a, "crossorigin")) +
               HtmlAttr("referrerpolicy", HtmlStr(a, "referrerpolicy")) + HtmlAttr("nonce", HtmlStr(a, "nonce")) +
               (a.value("async", false) ? " async" : "") + "></script>";
    }
    if (type == "img") {
        return "<figure><img" + HtmlAttr("id", HtmlStr(a, "id")) + HtmlAttr("src", HtmlStr(a, "src")) +
               HtmlAttr("width", HtmlStr(a, "width")) + HtmlAttr("height", HtmlStr(a, "height")) +
               HtmlAttr("alt", label) + "><figcaption>" + HtmlEscape(label) + "</figcaption></figure>";
    }
    if (type == "text") {
        const json text = a.value("text", json::object());
        std::string body;
        const json secrets = text.is_object() ? text.value("context", json::object()).value("secrets", json()) : json();
        if (secrets.is_array()) {
            body = "<ul class=\"secrets\">";
            for (const auto& s : secrets) body += "<li><code>" + HtmlEscape(MessageText(s, catalog)) + "</code></li>";
            body += "</ul>";
        } else {
            body = "<p><code>" + HtmlEscape(MessageText(text, catalog)) + "</code></p>";
        }
        return "<div class=\"text\"" + HtmlAttr("id", HtmlStr(a, "id")) + "><p>" + HtmlEscape(label) + "</p>" + body +
               "</div>";
    }
    if (type == "a") {
        return "<p><a" + HtmlAttr("id", HtmlStr(a, "id")) + HtmlAttr("href", HtmlStr(a, "href")) + ">" +
               HtmlEscape(MessageText(a.value("title", json::object()), catalog)) + "</a></p>";
    }
    // Inputs.
    const std::string name = HtmlStr(a, "name");
    const std::string input_type = HtmlStr(a, "type");
    const std::string value = HtmlStr(a, "value");
    const bool disabled = a.value("disabled", false);
    const std::string messages = HtmlMessages(node.value("messages", json::array()), catalog, "m" + std::to_string(n));
    if (input_type == "hidden")
        return "<input type=\"hidden\"" + HtmlAttr("name", name) + HtmlAttr("value", value) + ">";
    if (input_type == "submit" || input_type == "button") {
        std::string b = "<button" + HtmlAttr("type", input_type) + HtmlAttr("name", name);
        if (input_type == "submit") b += HtmlAttr("value", value);
        if (!HtmlStr(a, "onclick").empty()) b += HtmlAttr("onclick", HtmlStr(a, "onclick"));
        if (disabled) b += " disabled";
        return "<div class=\"field\">" + b + ">" + HtmlEscape(label.empty() ? value : label) + "</button>" + messages +
               "</div>";
    }
    const std::string id = "f" + std::to_string(n);
    std::string in = "<input" + HtmlAttr("id", id) + HtmlAttr("name", name) +
                     HtmlAttr("type", input_type.empty() ? "text" : input_type);
    if (!value.empty() && input_type != "password" && input_type != "checkbox") in += HtmlAttr("value", value);
    if (a.value("required", false)) in += " required";
    if (disabled) in += " disabled";
    if (!HtmlStr(a, "autocomplete").empty()) in += HtmlAttr("autocomplete", HtmlStr(a, "autocomplete"));
    if (!HtmlStr(a, "pattern").empty()) in += HtmlAttr("pattern", HtmlStr(a, "pattern"));
    if (!messages.empty()) in += HtmlAttr("aria-describedby", "m" + std::to_string(n));
    if (input_type == "checkbox") {
        in = "<input type=\"hidden\"" + HtmlAttr("name", name) + " value=\"false\">" + in + " value=\"true\"" +
             (a.value("value", false) == true ? " checked" : "");
    }
    return "<div class=\"field\"><label" + HtmlAttr("for", id) + ">" + HtmlEscape(label.empty() ? name : label) +
           "</label>" + in + ">" + messages + "</div>";
}

constexpr std::string_view kStyle =
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1d21}"
    "main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.15)}form{margin:1rem 0;padding-top:1rem;border-top:1px solid #e3e5e8}"
    ".field{margin:.6rem 0}label{display:block;font-weight:600}"
    "input:not([type=hidden]){width:100%;box-sizing:border-box;padding:.5rem;font:inherit}"
    "button{padding:.5rem 1rem;font:inherit;cursor:pointer}ul.messages{padding-left:1.2rem}"
    ".error{color:#b00020}.success{color:#0a7d32}code{font-size:1.05em}nav a{margin-right:1rem}";

std::string HtmlDocument(std::string_view heading, const std::string& body, const std::vector<PageLink>& links,
                         const text::Catalog* catalog) {
    std::string nav;
    if (!links.empty()) {
        nav = "<nav>";
        for (const auto& l : links) nav += "<a" + HtmlAttr("href", l.href) + ">" + HtmlEscape(l.text) + "</a>";
        nav += "</nav>";
    }
    const std::string lang = catalog != nullptr ? catalog->language() : "en";
    return "<!doctype html><html lang=\"" + HtmlEscape(lang) +
           "\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
           HtmlEscape(heading) + "</title><style>" + std::string(kStyle) + "</style></head><body><main><h1>" +
           HtmlEscape(heading) + "</h1>" + body + nav + "</main></body></html>";
}

}  // namespace

std::string RenderFlowPage(std::string_view heading, const json& flow, const std::vector<PageLink>& links,
                           const text::Catalog* catalog) {
    const json ui = flow.value("ui", json::object());
    const json nodes = ui.value("nodes", json::array());
    // Shared fields (csrf_token, a login identifier) go into every method's form.
    std::vector<const json*> shared;
    std::vector<std::string> groups;
    std::map<std::string, std::vector<const json*>> by_group;
    for (const auto& n : nodes) {
        const std::string group = HtmlStr(n, "group");
        if (group == "default") {
            shared.push_back(&n);
            continue;
        }
        if (!by_group.contains(group)) groups.push_back(group);
        by_group[group].push_back(&n);
    }
    if (groups.empty()) groups.emplace_back();  // a flow with shared fields only
    std::string body = "<div role=\"status\" aria-live=\"polite\">" +
                       HtmlMessages(ui.value("messages", json::array()), catalog) + "</div>";
    int counter = 0;
    for (const auto& group : groups) {
        body += "<form" + HtmlAttr("action", HtmlStr(ui, "action")) + HtmlAttr("method", HtmlStr(ui, "method")) +
                HtmlAttr("data-group", group) + ">";
        // A form of buttons alone (social sign-in, unlink) takes only the hidden shared fields
        // (csrf_token): a required, empty identifier of another method must not block a button.
        const auto& own = by_group[group];
        const bool buttons_only = !own.empty() && std::all_of(own.begin(), own.end(), [](const json* n) {
            const std::string type = HtmlStr(n->value("attributes", json::object()), "type");
            return type == "submit" || type == "button";
        });
        for (const json* n : shared) {
            if (buttons_only && HtmlStr(n->value("attributes", json::object()), "type") != "hidden") continue;
            body += RenderNode(*n, ++counter, catalog);
        }
        for (const json* n : by_group[group]) body += RenderNode(*n, ++counter, catalog);
        body += "</form>";
    }
    return HtmlDocument(heading, body, links, catalog);
}

std::string RenderTextPage(std::string_view heading, const std::vector<std::string>& paragraphs,
                           const std::vector<PageLink>& links, const text::Catalog* catalog) {
    std::string body;
    for (const auto& p : paragraphs) body += "<p>" + HtmlEscape(p) + "</p>";
    return HtmlDocument(heading, body, links, catalog);
}

}  // namespace bia::ui
