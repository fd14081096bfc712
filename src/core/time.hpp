// Wire formats for time: RFC 3339 timestamps (UTC, fractional seconds as Go prints them) and
// Go duration strings ("15m", "1h30m", "100ms") used throughout kratos.yml.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace bia::core {

// "2022-06-01T10:00:00.123456Z": UTC, trailing zeros of the fraction trimmed (Go RFC3339Nano).
std::string FormatRfc3339(TimePoint t);
// Go's time.Time.String() of a UTC instant: "2022-06-01 10:00:00.5 +0000 UTC" (used in texts).
std::string FormatGoTime(TimePoint t);
// Accepts "Z" or "+hh:mm" offsets and an optional fraction of up to 9 digits.
std::optional<TimePoint> ParseRfc3339(std::string_view s);

// Go's time.ParseDuration: sequence of <decimal><unit>, units ns us µs ms s m h; optional sign.
std::optional<Duration> ParseGoDuration(std::string_view s);
// Go's Duration.String(): "1h0m0s", "15m0s", "1.5s", "0s".
std::string FormatGoDuration(Duration d);

int64_t UnixSeconds(TimePoint t);

}  // namespace bia::core
