// Internal to config/: reads the courier.* keys into Config::courier (SMTP, templates, the
// dispatcher's retries and pace, the delivery strategy).
#pragma once

#include "config/config.hpp"
#include "config/parsed_values.hpp"
#include "core/result.hpp"

namespace bia::config {

core::Status BuildCourierConfig(const ParsedValues& values, Config& config, Warnings& warnings);

}  // namespace bia::config
