// The options of `tml capture` for a sketch that prints numbers (--text, --timestamp-column,
// --timestamp-unit, --axes, --units), and the job they fill.
#pragma once

#include <cxxopts.hpp>

#include "capture/capture_run.h"

namespace tml::cli {

void add_text_options(cxxopts::Options& options);

// Fills job.text, job.text_options and job.timestamp_unit.
void text_options(const cxxopts::ParseResult& r, capture::CaptureJob& job);

}  // namespace tml::cli
