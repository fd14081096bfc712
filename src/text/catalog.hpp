// Message catalogues for the built-in UI (docs/builtin-ui.md): the texts of message ids in one
// language, as a JSON file {"language":"de","messages":{"1010001":"Anmelden",…},
// "phrases":{"page.login":"Anmelden",…}}. A message template may name the message's context
// keys in braces ("Passwort muss mindestens {min_length} Zeichen haben."). Ids or phrases a
// catalogue lacks keep their English text.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::text {

class Catalog {
  public:
    // Fails on anything but the shape above (a language tag and string values).
    static core::Result<Catalog> Parse(std::string_view json_text);

    const std::string& language() const { return language_; }
    // Message `id` in this language with its placeholders filled from `context`; `english` when
    // the catalogue has no text for it.
    std::string Message(int id, const nlohmann::json& context, std::string_view english) const;
    // A page phrase ("page.login"), or `english`.
    std::string Phrase(std::string_view key, std::string_view english) const;

  private:
    std::string language_;
    std::map<int, std::string> messages_;
    std::map<std::string, std::string, std::less<>> phrases_;
};

// The catalogue an Accept-Language header asks for (by q-value, then order; "de-CH" matches "de"),
// or nullptr for English.
const Catalog* PickCatalog(std::string_view accept_language, const std::vector<Catalog>& catalogs);

}  // namespace bia::text
