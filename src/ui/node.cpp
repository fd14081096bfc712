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

// The attributes' members, in key order, through either writer below: the wire shape is written
// once, for the DOM that answers use and for the text that flows are stored as.
template <class Writer>
void WriteAttributes(Writer& w, const Attributes& a) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, InputAttributes>) {
                w.StringIfNotEmpty("autocomplete", v.autocomplete);
                w.Bool("disabled", v.disabled);
                if (v.label) w.Message("label", *v.label);
                if (v.maxlength) w.Int("maxlength", *v.maxlength);
                w.String("name", v.name);
                w.String("node_type", kNodeInput);
                w.StringIfNotEmpty("onclick", v.onclick);
                w.StringIfNotEmpty("onclickTrigger", v.onclick_trigger);
                w.StringIfNotEmpty("onload", v.onload);
                w.StringIfNotEmpty("onloadTrigger", v.onload_trigger);
                w.StringIfNotEmpty("pattern", v.pattern);
                if (v.required) w.Bool("required", true);
                w.String("type", v.type);
                if (ValuePresent(v.value)) w.Value("value", v.value);
            } else if constexpr (std::is_same_v<T, ImageAttributes>) {
                w.Int("height", v.height);
                w.String("id", v.id);
                w.String("node_type", kNodeImg);
                w.String("src", v.src);
                w.Int("width", v.width);
            } else if constexpr (std::is_same_v<T, AnchorAttributes>) {
                w.String("href", v.href);
                w.String("id", v.id);
                w.String("node_type", kNodeAnchor);
                w.Message("title", v.title);
            } else if constexpr (std::is_same_v<T, TextAttributes>) {
                w.String("id", v.id);
                w.String("node_type", kNodeText);
                w.Message("text", v.text);
            } else {
                w.Bool("async", v.async);
                w.String("crossorigin", v.crossorigin);
                w.String("id", v.id);
                w.String("integrity", v.integrity);
                w.String("node_type", kNodeScript);
                w.String("nonce", v.nonce);
                w.String("referrerpolicy", v.referrerpolicy);
                w.String("src", v.src);
                w.String("type", v.type);
            }
        },
        a);
}

// WriteAttributes' writer for a DOM object.
struct DomWriter {
    core::JsonObject& j;
    void String(std::string_view key, std::string_view v) { j.Put(key, std::string(v)); }
    void StringIfNotEmpty(std::string_view key, const std::string& v) { j.PutIfNotEmpty(key, v); }
    void Bool(std::string_view key, bool v) { j.Put(key, v); }
    void Int(std::string_view key, int64_t v) { j.Put(key, v); }
    void Value(std::string_view key, const json& v) { j.Put(key, v); }
    void Message(std::string_view key, const text::Message& m) { j.Put(key, m.ToJson()); }
};

// WriteAttributes' writer for JSON text (dump()'s bytes).
struct TextWriter {
    core::JsonMembers& m;
    core::JsonUtf8Errors errors;
    void String(std::string_view key, std::string_view v) { m.String(key, v); }
    void StringIfNotEmpty(std::string_view key, std::string_view v) { m.StringIfNotEmpty(key, v); }
    void Bool(std::string_view key, bool v) { m.Bool(key, v); }
    void Int(std::string_view key, int64_t v) { m.Int(key, v); }
    void Value(std::string_view key, const json& v) { m.Value(key, v); }
    void Message(std::string_view key, const text::Message& msg) { msg.AppendJson(m.Key(key), errors); }
};

json AttributesJson(const Attributes& a) {
    core::JsonObject j;
    DomWriter w{j};
    WriteAttributes(w, a);
    return std::move(j).Take();
}

// AttributesJson(a).dump(), keys in sorted order.
void AppendAttributesJson(std::string& out, const Attributes& a, core::JsonUtf8Errors errors) {
    out += '{';
    core::JsonMembers m(out, errors);
    TextWriter w{m, errors};
    WriteAttributes(w, a);
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
    core::AppendJsonArrayOf(m.Key("messages"), messages, errors);
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
