// The UI container of a flow (settings-flow.md §7.2): where the form posts to, its nodes and the
// flow-level messages; plus the node ordering of §7.5 and the edits flows make when they re-render
// a form after an error (messages, echoed values, a fresh csrf_token).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "text/message.hpp"
#include "ui/node.hpp"

namespace bia::ui {

struct Container {
    std::string action;
    std::string method = "POST";
    std::vector<Node> nodes;
    std::vector<text::Message> messages;

    Node* Find(std::string_view id);
    const Node* Find(std::string_view id) const;
    // Replaces the node with the same id and group, else appends (Kratos's upsert).
    void Upsert(Node node);
    // Removes every node with this id.
    void Remove(std::string_view id);
    // Sets the value of the input named `name`, if there is one.
    void SetValue(std::string_view name, const nlohmann::json& value);
    // Drops the value of the input named `name` (passwords are never echoed back).
    void ClearValue(std::string_view name);
    // Upserts the csrf_token node with a freshly masked token (§7.4).
    void SetCsrf(std::string_view masked_token);
    // A message on the node `id`; flow-level when no such node exists.
    void AddNodeMessage(std::string_view id, text::Message message);
    void AddMessage(text::Message message) { messages.push_back(std::move(message)); }
    // Clears flow-level and node messages.
    void ResetMessages();

    // `messages` is always an array, even when empty (§7.2).
    nlohmann::json ToJson() const;
    // ToJson().dump(-1, ' ', false, errors), written directly: a flow's UI is stored on every
    // write of a flow, and building the DOM first cost as much as the row's insert.
    std::string Dump(nlohmann::json::error_handler_t errors = nlohmann::json::error_handler_t::strict) const;
    void AppendJson(std::string& out,
                    nlohmann::json::error_handler_t errors = nlohmann::json::error_handler_t::strict) const;
    static core::Result<Container> FromJson(const nlohmann::json& j);
    // FromJson(json::parse(text, nullptr, false)), read straight from the text when it has the
    // shape Dump writes (any key order or spacing), with no DOM in between (container_text.cpp).
    static core::Result<Container> FromJsonText(std::string_view text);
};

// FromJsonText's reader alone: the container when `text` has the shape Dump writes, else nullopt
// (FromJsonText then parses the DOM and answers as FromJson does).
std::optional<Container> ReadContainerText(std::string_view text);

// How nodes are ordered (§7.5): by the rank of their group in `groups` (unknown groups after the
// listed ones), then by the first entry of `keys` that prefixes the node id (no match = after all
// keys; the `method` submit always last), then by the string form of the value. Stable.
struct SortOptions {
    std::vector<std::string> groups;
    std::vector<std::string> keys;
};
void SortNodes(std::vector<Node>& nodes, const SortOptions& options);

// The settings order of §7.5: Kratos's group order, then `schema_paths` (the schema's node sort
// keys, schema::Schema::NodeSortKeys) and `method_node_ids` (each method's node ids in its own
// order, as the settings strategies declare them).
SortOptions SettingsSortOptions(const std::vector<std::string>& schema_paths,
                                const std::vector<std::string>& method_node_ids);

}  // namespace bia::ui
