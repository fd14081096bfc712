// The pages of Bia's built-in account UI (docs/builtin-ui.md): a flow's UI container rendered as
// plain, accessible HTML forms — one form per method group carrying the shared (default-group)
// fields, labels bound to their inputs, messages in a live region — with every value escaped.
// No script runs except what a flow itself names (webauthn's).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/html.hpp"
#include "text/catalog.hpp"

namespace bia::ui {

struct PageLink {
    std::string href;
    std::string text;
};

// `s` escaped for HTML text and double-quoted attribute values.
using core::HtmlEscape;

// A page showing `flow` (its JSON as the fetch endpoints return it) under `heading`; messages and
// labels in `catalog`'s language (nullptr: their English texts), the page in `language`.
std::string RenderFlowPage(std::string_view heading, const nlohmann::json& flow, const std::vector<PageLink>& links,
                           const text::Catalog* catalog = nullptr);
// A page with a heading, paragraphs of plain text and links.
std::string RenderTextPage(std::string_view heading, const std::vector<std::string>& paragraphs,
                           const std::vector<PageLink>& links, const text::Catalog* catalog = nullptr);

}  // namespace bia::ui
