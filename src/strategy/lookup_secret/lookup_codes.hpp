// Backup recovery codes (settings-flow.md §8.4, §15): their stored shape
// {"recovery_codes":[{"code":"abcd1234","used_at":null},…]}, how a new set is drawn, and the UI
// nodes of the lookup_secret method in settings and in the aal2 login form.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "strategy/body_fields.hpp"
#include "ui/node.hpp"

namespace bia::strategy::lookup_secret {

inline constexpr std::string_view kMethod = "lookup_secret";
inline constexpr size_t kCodeCount = 12;
inline constexpr size_t kCodeLength = 8;

// Settings buttons and the codes text node (node ids, also the body fields of the buttons).
inline constexpr std::string_view kRevealField = "lookup_secret_reveal";
inline constexpr std::string_view kRegenerateField = "lookup_secret_regenerate";
inline constexpr std::string_view kConfirmField = "lookup_secret_confirm";
inline constexpr std::string_view kDisableField = "lookup_secret_disable";
inline constexpr std::string_view kCodesNode = "lookup_secret_codes";
// The login form's code input.
inline constexpr std::string_view kLoginCodeField = "lookup_secret";
// Where a settings flow keeps its state: internal_context.lookup_secret.{revealed,regenerated}.
inline constexpr std::string_view kContextKey = "lookup_secret";

struct RecoveryCode {
    std::string code;
    std::optional<core::TimePoint> used_at;

    friend bool operator==(const RecoveryCode&, const RecoveryCode&) = default;
};

// 12 fresh codes of 8 characters from [a-z0-9], none used.
std::vector<RecoveryCode> NewCodes(core::Random& random);
// The `recovery_codes` array of a credential config or of a flow's internal context; entries that
// are not objects with a string `code` are skipped (they can never match), nullopt when there is
// no array at all.
std::optional<std::vector<RecoveryCode>> ParseCodes(const nlohmann::json& holder);
// {"recovery_codes":[…]} as stored (used_at null or RFC 3339).
nlohmann::json CodesConfig(const std::vector<RecoveryCode>& codes);
nlohmann::json CodesJson(const std::vector<RecoveryCode>& codes);
std::optional<std::vector<RecoveryCode>> CodesFromJson(const nlohmann::json& array);

// The settings buttons (submit, value "true"): reveal 1050007, regenerate 1050008, confirm
// 1050011, disable 1050016.
ui::Node RevealSubmit();
ui::Node RegenerateSubmit();
ui::Node ConfirmSubmit();
ui::Node DisableSubmit();
// `lookup_secret_codes`: the codes as text (1050015 with a 1050009/1050014 message per code),
// label 1050010.
ui::Node CodesText(const std::vector<RecoveryCode>& codes);
// Login (aal2): the required `lookup_secret` input (1010007) and `method=lookup_secret` (1010010).
ui::Node LoginCodeInput();
ui::Node LoginMethodSubmit();

using strategy::BoolField;
using strategy::StringField;

}  // namespace bia::strategy::lookup_secret
