// Adapts selfservice::hook::WebHook (Jsonnet body, HTTP call) to the settings flow's hook
// interface; lives in the composition root so the settings module stays free of HTTP clients.
#pragma once

#include <string>

#include "selfservice/settings/settings_hook.hpp"

namespace bia::app {

// Builds `web_hook` entries of selfservice.flows.settings.after(.<method>).hooks.
selfservice::settings::SettingsHookBuilder MakeSettingsWebHook(std::string public_base_url);

}  // namespace bia::app
