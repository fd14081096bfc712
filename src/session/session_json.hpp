// The session object as whoami and session listings return it (settings-flow.md §17.1).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "session/session.hpp"

namespace bia::session {

// `identity` is included when the session carries it (public identity view).
nlohmann::json ToJson(const Session& session, std::string_view public_base_url);

}  // namespace bia::session
