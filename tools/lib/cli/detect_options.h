// The options of `tml run` that set the board's detector (--average, --threshold, --suppression), over the
// defaults of the exported header the board was flashed with.
#pragma once

#include <cxxopts.hpp>
#include <optional>

#include "tml/detect.h"
#include "tml/trainer/model_header.h"

namespace tml::cli {

void add_detect_options(cxxopts::Options& options);

// The detector's parameters when any of the options is given (the header's defaults for the others), else
// nothing. Throws UsageError when one is given without the model header.
std::optional<tml_detect_params> detect_options(const cxxopts::ParseResult& r,
                                                const std::optional<trainer::ExportedHeader>& model);

}  // namespace tml::cli
