#include "ui/container.hpp"

#include <algorithm>

#include "core/json_text.hpp"

namespace bia::ui {

using nlohmann::json;

Node* Container::Find(std::string_view id) {
    for (auto& n : nodes) {
        if (n.Id() == id) return &n;
    }
    return nullptr;
}

const Node* Container::Find(std::string_view id) const {
    for (const auto& n : nodes) {
        if (n.Id() == id) return &n;
    }
    return nullptr;
}

void Container::Remove(std::string_view id) {
    std::erase_if(nodes, [&](const Node& n) { return n.Id() == id; });
}

void Container::Upsert(Node node) {
    for (auto& n : nodes) {
        if (n.Id() == node.Id() && n.group == node.group) {
            n = std::move(node);
            return;
        }
    }
    nodes.push_back(std::move(node));
}

void Container::SetValue(std::string_view name, const json& value) {
    for (auto& n : nodes) {
        if (auto* in = n.Input(); in && in->name == name) in->value = value;
    }
}

void Container::ClearValue(std::string_view name) { SetValue(name, nullptr); }

void Container::SetCsrf(std::string_view masked_token) { Upsert(NewCsrfTokenNode(masked_token)); }

void Container::AddNodeMessage(std::string_view id, text::Message message) {
    if (Node* n = Find(id)) {
        n->messages.push_back(std::move(message));
    } else {
        messages.push_back(std::move(message));
    }
}

void Container::ResetMessages() {
    messages.clear();
    for (auto& n : nodes) n.messages.clear();
}

json Container::ToJson() const {
    json ns = json::array();
    ns.get_ref<json::array_t&>().reserve(nodes.size());
    for (const auto& n : nodes) ns.push_back(n.ToJson());
    json ms = json::array();
    for (const auto& m : messages) ms.push_back(m.ToJson());
    core::JsonObject j;
    j.Put("action", action);
    j.Put("messages", std::move(ms));
    j.Put("method", method);
    j.Put("nodes", std::move(ns));
    return std::move(j).Take();
}

std::string Container::Dump(nlohmann::json::error_handler_t errors) const {
    std::string out;
    out.reserve(256 + 384 * nodes.size());
    AppendJson(out, errors);
    return out;
}

void Container::AppendJson(std::string& out, nlohmann::json::error_handler_t errors) const {
    out += '{';
    core::JsonMembers m(out, errors);
    m.String("action", action);
    core::AppendJsonArrayOf(m.Key("messages"), messages, errors);
    m.String("method", method);
    core::AppendJsonArrayOf(m.Key("nodes"), nodes, errors);
    out += '}';
}

core::Result<Container> Container::FromJson(const json& j) {
    if (!j.is_object()) return core::Internal("stored UI container is not an object");
    Container c;
    c.action = j.value("action", "");
    c.method = j.value("method", "POST");
    if (auto ns = j.find("nodes"); ns != j.end() && ns->is_array()) {
        for (const auto& n : *ns) {
            BIA_TRY_ASSIGN(Node node, Node::FromJson(n));
            c.nodes.push_back(std::move(node));
        }
    }
    if (auto ms = j.find("messages"); ms != j.end() && ms->is_array()) {
        for (const auto& m : *ms) {
            auto msg = text::Message::FromJson(m);
            if (!msg) return core::Internal("stored UI container has a malformed message");
            c.messages.push_back(std::move(*msg));
        }
    }
    return c;
}

namespace {

// A node's place in the order of §7.5. The value, the last tie-break, is the input's string value
// in place, or the dump of another value (kept in `dumped`).
struct SortKey {
    size_t group = 0;
    size_t position = 0;
    std::string dumped;
    std::string_view value;
};

}  // namespace

void SortNodes(std::vector<Node>& nodes, const SortOptions& options) {
    const size_t method_position = options.keys.size() + nodes.size() + 1;
    // Keys are computed once, in place (a key's `value` may point into its own `dumped`), and the
    // indices are sorted rather than the nodes, which are moved once, into their places.
    std::vector<SortKey> keys(nodes.size());
    for (size_t n = 0; n < nodes.size(); ++n) {
        const Node& node = nodes[n];
        SortKey& k = keys[n];
        auto g = std::find(options.groups.begin(), options.groups.end(), node.group);
        k.group = static_cast<size_t>(g - options.groups.begin());
        const std::string& id = node.Id();
        if (id == kMethodName) {
            k.position = method_position;
        } else {
            k.position = options.keys.size();
            for (size_t i = 0; i < options.keys.size(); ++i) {
                if (id.compare(0, options.keys[i].size(), options.keys[i]) == 0) {
                    k.position = i;
                    break;
                }
            }
        }
        if (const auto* in = node.Input(); in && !in->value.is_null()) {
            if (in->value.is_string()) {
                k.value = in->value.get_ref<const std::string&>();
            } else {
                k.dumped = in->value.dump();
                k.value = k.dumped;
            }
        }
    }
    std::vector<size_t> order(nodes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const SortKey& x = keys[a];
        const SortKey& y = keys[b];
        if (x.group != y.group) return x.group < y.group;
        if (x.position != y.position) return x.position < y.position;
        return x.value < y.value;
    });
    std::vector<Node> sorted;
    sorted.reserve(nodes.size());
    for (size_t i : order) sorted.push_back(std::move(nodes[i]));
    nodes = std::move(sorted);
}

SortOptions SettingsSortOptions(const std::vector<std::string>& schema_paths,
                                const std::vector<std::string>& method_node_ids) {
    SortOptions o;
    o.groups = {std::string(kGroupDefault), std::string(kGroupProfile),      std::string(kGroupPassword),
                std::string(kGroupOidc),    std::string(kGroupLookupSecret), std::string(kGroupWebauthn),
                std::string(kGroupPasskey), std::string(kGroupTotp)};
    o.keys = schema_paths;
    o.keys.insert(o.keys.end(), method_node_ids.begin(), method_node_ids.end());
    return o;
}

}  // namespace bia::ui
