#include "ui/node.hpp"

#include "core/json_text.hpp"

namespace bia::ui {

using nlohmann::json;

namespace {

bool ValuePresent(const json& v) { return !v.is_null() && !(v.is_string() && v.get_ref<const std::string&>().empty()); }

std::string Str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Bool(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

int64_t Int(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

core::Result<text::Message> MessageAt(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return core::Internal(std::string("stored UI node lacks `") + key + "`");
    auto m = text::Message::FromJson(*it);
    if (!m) return core::Internal(std::string("stored UI node has a malformed `") + key + "`");
    return *m;
}

// Members in key order (core::JsonObject).
json AttributesJson(const Attributes& a) {
    core::JsonObject j;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, InputAttributes>) {
                j.PutIfNotEmpty("autocomplete", v.autocomplete);
                j.Put("disabled", v.disabled);
                if (v.label) j.Put("label", v.label->ToJson());
                if (v.maxlength) j.Put("maxlength", *v.maxlength);
                j.Put("name", v.name);
                j.Put("node_type", kNodeInput);
                j.PutIfNotEmpty("onclick", v.onclick);
                j.PutIfNotEmpty("onclickTrigger", v.onclick_trigger);
                j.PutIfNotEmpty("onload", v.onload);
                j.PutIfNotEmpty("onloadTrigger", v.onload_trigger);
                j.PutIfNotEmpty("pattern", v.pattern);
                if (v.required) j.Put("required", true);
                j.Put("type", v.type);
                if (ValuePresent(v.value)) j.Put("value", v.value);
            } else if constexpr (std::is_same_v<T, ImageAttributes>) {
                j.Put("height", v.height);
                j.Put("id", v.id);
                j.Put("node_type", kNodeImg);
                j.Put("src", v.src);
                j.Put("width", v.width);
            } else if constexpr (std::is_same_v<T, AnchorAttributes>) {
                j.Put("href", v.href);
                j.Put("id", v.id);
                j.Put("node_type", kNodeAnchor);
                j.Put("title", v.title.ToJson());
            } else if constexpr (std::is_same_v<T, TextAttributes>) {
                j.Put("id", v.id);
                j.Put("node_type", kNodeText);
                j.Put("text", v.text.ToJson());
            } else {
                j.Put("async", v.async);
                j.Put("crossorigin", v.crossorigin);
                j.Put("id", v.id);
                j.Put("integrity", v.integrity);
                j.Put("node_type", kNodeScript);
                j.Put("nonce", v.nonce);
                j.Put("referrerpolicy", v.referrerpolicy);
                j.Put("src", v.src);
                j.Put("type", v.type);
            }
        },
        a);
    return std::move(j).Take();
}

// AttributesJson(a).dump(), keys in sorted order.
void AppendAttributesJson(std::string& out, const Attributes& a, core::JsonUtf8Errors errors) {
    out += '{';
    core::JsonMembers m(out, errors);
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, InputAttributes>) {
                m.StringIfNotEmpty("autocomplete", v.autocomplete);
                m.Bool("disabled", v.disabled);
                if (v.label) v.label->AppendJson(m.Key("label"), errors);
                if (v.maxlength) m.Int("maxlength", *v.maxlength);
                m.String("name", v.name);
                m.String("node_type", kNodeInput);
                m.StringIfNotEmpty("onclick", v.onclick);
                m.StringIfNotEmpty("onclickTrigger", v.onclick_trigger);
                m.StringIfNotEmpty("onload", v.onload);
                m.StringIfNotEmpty("onloadTrigger", v.onload_trigger);
                m.StringIfNotEmpty("pattern", v.pattern);
                if (v.required) m.Bool("required", true);
                m.String("type", v.type);
                if (ValuePresent(v.value)) m.Value("value", v.value);
            } else if constexpr (std::is_same_v<T, ImageAttributes>) {
                m.Int("height", v.height);
                m.String("id", v.id);
                m.String("node_type", kNodeImg);
                m.String("src", v.src);
                m.Int("width", v.width);
            } else if constexpr (std::is_same_v<T, AnchorAttributes>) {
                m.String("href", v.href);
                m.String("id", v.id);
                m.String("node_type", kNodeAnchor);
                v.title.AppendJson(m.Key("title"), errors);
            } else if constexpr (std::is_same_v<T, TextAttributes>) {
                m.String("id", v.id);
                m.String("node_type", kNodeText);
                v.text.AppendJson(m.Key("text"), errors);
            } else {
                m.Bool("async", v.async);
                m.String("crossorigin", v.crossorigin);
                m.String("id", v.id);
                m.String("integrity", v.integrity);
                m.String("node_type", kNodeScript);
                m.String("nonce", v.nonce);
                m.String("referrerpolicy", v.referrerpolicy);
                m.String("src", v.src);
                m.String("type", v.type);
            }
        },
        a);
    out += '}';
}

core::Result<Attributes> AttributesFromJson(const json& a, std::string_view type) {
    if (!a.is_object()) return core::Internal("stored UI node has no attributes object");
    if (type == kNodeInput) {
        InputAttributes in;
        in.name = Str(a, "name");
        in.type = Str(a, "type");
        if (auto it = a.find("value"); it != a.end()) in.value = *it;
        in.required = Bool(a, "required");
        if (a.contains("label")) {
            BIA_TRY_ASSIGN(in.label, MessageAt(a, "label"));
        }
        in.pattern = Str(a, "pattern");
        in.disabled = Bool(a, "disabled");
        in.onclick = Str(a, "onclick");
        in.autocomplete = Str(a, "autocomplete");
        if (auto it = a.find("maxlength"); it != a.end() && it->is_number()) in.maxlength = it->get<int64_t>();
        in.onclick_trigger = Str(a, "onclickTrigger");
        in.onload = Str(a, "onload");
        in.onload_trigger = Str(a, "onloadTrigger");
        return Attributes(std::move(in));
    }
    if (type == kNodeImg)
        return Attributes(ImageAttributes{Str(a, "src"), Str(a, "id"), Int(a, "width"), Int(a, "height")});
    if (type == kNodeAnchor) {
        BIA_TRY_ASSIGN(auto title, MessageAt(a, "title"));
        return Attributes(AnchorAttributes{Str(a, "href"), std::move(title), Str(a, "id")});
    }
    if (type == kNodeText) {
        BIA_TRY_ASSIGN(auto t, MessageAt(a, "text"));
        return Attributes(TextAttributes{std::move(t), Str(a, "id")});
    }
    if (type == kNodeScript) {
        return Attributes(ScriptAttributes{Str(a, "src"), Bool(a, "async"), Str(a, "referrerpolicy"),
                                           Str(a, "crossorigin"), Str(a, "integrity"), Str(a, "type"), Str(a, "id"),
                                           Str(a, "nonce")});
    }
    return core::Internal("stored UI node has unknown type `" + std::string(type) + "`");
}

}  // namespace

std::string_view Node::Type() const {
    switch (attributes.index()) {
        case 0:
            return kNodeInput;
        case 1:
            return kNodeImg;
        case 2:
            return kNodeAnchor;
        case 3:
            return kNodeText;
        default:
            return kNodeScript;
    }
}

const std::string& Node::Id() const {
    return std::visit(
        [](const auto& v) -> const std::string& {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, InputAttributes>)
                return v.name;
            else
                return v.id;
        },
        attributes);
}

json Node::ToJson() const {
    json msgs = json::array();
    msgs.get_ref<json::array_t&>().reserve(messages.size());
    for (const auto& m : messages) msgs.push_back(m.ToJson());
    core::JsonObject meta_json;
    if (meta.label) meta_json.Put("label", meta.label->ToJson());
    core::JsonObject j;
    j.Put("attributes", AttributesJson(attributes));
    j.Put("group", group);
    j.Put("messages", std::move(msgs));
    j.Put("meta", std::move(meta_json).Take());
    j.Put("type", Type());
    return std::move(j).Take();
}

void Node::AppendJson(std::string& out, nlohmann::json::error_handler_t errors) const {
    out += '{';
    core::JsonMembers m(out, errors);
    AppendAttributesJson(m.Key("attributes"), attributes, errors);
    m.String("group", group);
    std::string& ms = m.Key("messages");
    ms += '[';
    for (size_t i = 0; i < messages.size(); ++i) {
        if (i) ms += ',';
        messages[i].AppendJson(ms, errors);
    }
    ms += ']';
    std::string& meta_out = m.Key("meta");
    meta_out += '{';
    if (meta.label) {
        core::JsonMembers meta_members(meta_out, errors);
        meta.label->AppendJson(meta_members.Key("label"), errors);
    }
    meta_out += '}';
    m.String("type", Type());
    out += '}';
}

core::Result<Node> Node::FromJson(const json& j) {
    if (!j.is_object()) return core::Internal("stored UI node is not an object");
    Node n;
    n.group = Str(j, "group");
    const std::string type = Str(j, "type");
    auto attrs = j.find("attributes");
    if (attrs == j.end()) return core::Internal("stored UI node has no attributes");
    BIA_TRY_ASSIGN(n.attributes, AttributesFromJson(*attrs, type));
    if (auto ms = j.find("messages"); ms != j.end() && ms->is_array()) {
        for (const auto& m : *ms) {
            auto msg = text::Message::FromJson(m);
            if (!msg) return core::Internal("stored UI node has a malformed message");
            n.messages.push_back(std::move(*msg));
        }
    }
    if (auto meta = j.find("meta"); meta != j.end() && meta->is_object() && meta->contains("label")) {
        BIA_TRY_ASSIGN(n.meta.label, MessageAt(*meta, "label"));
    }
    return n;
}

Node NewInput(std::string_view name, std::string_view group, std::string_view type, json value, bool required) {
    InputAttributes in;
    in.name = std::string(name);
    in.type = std::string(type);
    in.value = std::move(value);
    in.required = required;
    return Node{std::string(group), std::move(in), {}, {}};
}

Node WithLabel(Node node, text::Message label) {
    node.meta.label = std::move(label);
    return node;
}

Node NewCsrfTokenNode(std::string_view masked_token) {
    return NewInput(kCsrfTokenName, kGroupDefault, kInputHidden,
                    masked_token.empty() ? json() : json(std::string(masked_token)), true);
}

json ValueAtPath(const json& doc, std::string_view prefix, std::string_view dotted) {
    if (dotted.substr(0, prefix.size()) != prefix) return nullptr;
    std::string_view rest = dotted.substr(prefix.size());
    if (rest.empty()) return doc;
    if (rest.front() != '.') return nullptr;
    rest.remove_prefix(1);
    const json* cur = &doc;
    while (!rest.empty()) {
        const size_t dot = rest.find('.');
        const std::string key(rest.substr(0, dot));
        if (!cur->is_object()) return nullptr;
        auto it = cur->find(key);
        if (it == cur->end()) return nullptr;
        cur = &*it;
        rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    return *cur;
}

std::vector<Node> NewTraitNodes(const std::vector<schema::FormField>& fields, std::string_view group,
                                const json& traits) {
    std::vector<Node> out;
    out.reserve(fields.size());
    for (const auto& f : fields) {
        Node n = NewInput(f.name, group, f.type, ValueAtPath(traits, "traits", f.name), f.required);
        auto* in = n.Input();
        if (f.pattern) in->pattern = *f.pattern;
        if (f.autocomplete) in->autocomplete = *f.autocomplete;
        if (f.title) n.meta.label = text::NewInfoNodeLabelGenerated(*f.title, f.name);
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace bia::ui
