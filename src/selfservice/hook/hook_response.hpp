// What a web hook's answer can tell a flow when `response.parse` (or the deprecated
// `can_interrupt`) is on: on 200, identity fields to replace before the identity is saved; on a
// status ≥ 400, UI messages for fields of the form (Kratos's hook response contract).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::selfservice::hook {

// One message of a rejecting answer. Kratos keeps type "error" and turns every other type into
// "info"; so does the parser.
struct HookMessage {
    int64_t id = 0;
    std::string text;
    std::string type;
    nlohmann::json context;  // as sent; null when absent
};

// The messages for one field. `instance_ptr` is a JSON pointer such as "#/traits/email".
struct HookValidation {
    std::string instance_ptr;
    std::vector<HookMessage> messages;
};

// Kratos's pointer → node-name rule: "#/traits/email" → "traits.email" (~1, ~0 and %XX
// unescaped, dots inside a segment escaped as "\."); a pointer that does not start with "#/" is
// returned as is. An empty result means a flow-level message.
std::string NodeNameOf(std::string_view instance_ptr);

// Parses the body of a ≥ 400 answer: {"messages":[{"instance_ptr":..,"messages":[{id,text,type,
// context}]}]}. Only the first JSON value is read (trailing bytes are ignored, as Go's decoder
// does). An undecodable body or one without any entry is an error.
core::Result<std::vector<HookValidation>> ParseRejection(std::string_view body);

// Parses the body of a 200 answer: {"identity": {...}}. Returns the identity fields Kratos would
// copy onto the identity being saved — `traits`, `metadata_public`, `metadata_admin` and
// `external_id` when present, `schema_id` and `state` when non-empty strings,
// `verifiable_addresses` and `recovery_addresses` when non-empty arrays — as an object that is
// empty when there is nothing to change.
core::Result<nlohmann::json> ParseIdentityPatch(std::string_view body);

// `validations` in the answer shape, e.g. for an error's details.
nlohmann::json ToJson(const std::vector<HookValidation>& validations);

}  // namespace bia::selfservice::hook
