// UI nodes and containers: the form description every self-service flow returns
// (settings-flow.md §7.2–§7.5) — typed node attributes with Kratos's omitempty rules, node
// ordering, the csrf_token node, and profile-style inputs generated from an identity schema.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "schema/schema.hpp"
#include "text/message.hpp"

namespace bia::ui {

// Node groups (settings-flow.md §7.3).
inline constexpr std::string_view kGroupDefault = "default";
inline constexpr std::string_view kGroupPassword = "password";
inline constexpr std::string_view kGroupProfile = "profile";
inline constexpr std::string_view kGroupOidc = "oidc";
inline constexpr std::string_view kGroupTotp = "totp";
inline constexpr std::string_view kGroupLookupSecret = "lookup_secret";
inline constexpr std::string_view kGroupWebauthn = "webauthn";
inline constexpr std::string_view kGroupPasskey = "passkey";
inline constexpr std::string_view kGroupCode = "code";
inline constexpr std::string_view kGroupLink = "link";

// Node types (`type` == `attributes.node_type`).
inline constexpr std::string_view kNodeInput = "input";
inline constexpr std::string_view kNodeImg = "img";
inline constexpr std::string_view kNodeAnchor = "a";
inline constexpr std::string_view kNodeText = "text";
inline constexpr std::string_view kNodeScript = "script";

// Input types.
inline constexpr std::string_view kInputText = "text";
inline constexpr std::string_view kInputPassword = "password";
inline constexpr std::string_view kInputNumber = "number";
inline constexpr std::string_view kInputCheckbox = "checkbox";
inline constexpr std::string_view kInputHidden = "hidden";
inline constexpr std::string_view kInputEmail = "email";
inline constexpr std::string_view kInputSubmit = "submit";
inline constexpr std::string_view kInputButton = "button";

inline constexpr std::string_view kCsrfTokenName = "csrf_token";
inline constexpr std::string_view kMethodName = "method";

struct InputAttributes {
    std::string name;
    std::string type;
    nlohmann::json value;   // null (or "") = omitted
    bool required = false;  // only `true` is written
    std::optional<text::Message> label;
    std::string pattern;    // omitted when empty
    bool disabled = false;  // always written
    std::string onclick;    // omitted when empty (so are the G2 keys below)
    std::string autocomplete;
    std::optional<int64_t> maxlength;
    std::string onclick_trigger;
    std::string onload;
    std::string onload_trigger;
};

struct ImageAttributes {
    std::string src;
    std::string id;
    int64_t width = 0;
    int64_t height = 0;
};

struct AnchorAttributes {
    std::string href;
    text::Message title;
    std::string id;
};

struct TextAttributes {
    text::Message text;
    std::string id;
};

struct ScriptAttributes {
    std::string src;
    bool async = false;
    std::string referrerpolicy;
    std::string crossorigin;
    std::string integrity;
    std::string type;
    std::string id;
    std::string nonce;
};

using Attributes = std::variant<InputAttributes, ImageAttributes, AnchorAttributes, TextAttributes, ScriptAttributes>;

struct Meta {
    std::optional<text::Message> label;
};

struct Node {
    std::string group;
    Attributes attributes;
    std::vector<text::Message> messages;
    Meta meta;

    std::string_view Type() const;
    // The input's `name`, or the `id` of the other node types (Kratos's node ID).
    const std::string& Id() const;
    InputAttributes* Input() { return std::get_if<InputAttributes>(&attributes); }
    const InputAttributes* Input() const { return std::get_if<InputAttributes>(&attributes); }

    nlohmann::json ToJson() const;
    // Appends ToJson().dump(-1, ' ', false, errors) without building the DOM.
    void AppendJson(std::string& out,
                    nlohmann::json::error_handler_t errors = nlohmann::json::error_handler_t::strict) const;
    static core::Result<Node> FromJson(const nlohmann::json& j);
};

// An input node; `value` null means "no value".
Node NewInput(std::string_view name, std::string_view group, std::string_view type, nlohmann::json value = nullptr,
              bool required = false);
// Same node with meta.label set (builder style: NewInput(...) | WithLabel is spelled
// WithLabel(NewInput(...), msg)).
Node WithLabel(Node node, text::Message label);

// The hidden csrf_token input of settings-flow.md §7.4 (group default, required). An empty
// `masked_token` (API flows) leaves `value` out.
Node NewCsrfTokenNode(std::string_view masked_token);

// Profile-style inputs for the schema's leaf trait fields (settings-flow.md §8.1): name, type,
// required, pattern, autocomplete, label 1070002 from `title`, value from `traits` when present.
std::vector<Node> NewTraitNodes(const std::vector<schema::FormField>& fields, std::string_view group,
                                const nlohmann::json& traits);

// The value at a dotted path inside `doc` ("traits.name.first" looks up doc["name"]["first"] when
// `prefix` is "traits"); null when absent.
nlohmann::json ValueAtPath(const nlohmann::json& doc, std::string_view prefix, std::string_view dotted);

}  // namespace bia::ui
