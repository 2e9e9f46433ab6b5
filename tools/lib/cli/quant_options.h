// The options every command that quantizes shares (--calibration, --percentile), and what they ask for.
#pragma once

#include <cxxopts.hpp>

#include "tml/trainer/calibration.h"

namespace tml::cli {

void add_calibration_options(cxxopts::Options& options);

// Throws UsageError for an unknown method, a percentile outside (50, 100] or --percentile without
// --calibration percentile.
trainer::CalibrationOptions calibration_options(const cxxopts::ParseResult& r);

}  // namespace tml::cli
