// Times as the dataset and the model files record them: UTC, ISO 8601, to the second ("2025-01-31T12:00:00Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tml {

// The current time.
std::string utc_now();

// A Unix time; "" when the system cannot convert it.
std::string iso_utc(int64_t unix_seconds);

// The Unix time of "YYYY-MM-DDTHH:MM:SSZ", or nothing for other text.
std::optional<int64_t> parse_iso_utc(const std::string& iso);

}  // namespace tml
