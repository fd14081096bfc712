// HTML escaping, written once for everything Bia renders as HTML (the built-in UI's pages and
// the courier's HTML mail bodies).
#pragma once

#include <string>
#include <string_view>

namespace bia::core {

// `s` for HTML text and quoted attribute values: &, <, >, " and ' as character references
// (&amp; &lt; &gt; &#34; &#39;, as Go's html/template writes them).
std::string HtmlEscape(std::string_view s);

}  // namespace bia::core
