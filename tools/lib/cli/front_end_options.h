// The options of `tml train` that choose a front end and its augmentation (--features, --frame-length,
// ..., --augment, --noise-snr), and the job they fill.
#pragma once

#include <cxxopts.hpp>

#include "pipeline/train_run.h"

namespace tml::cli {

void add_front_end_options(cxxopts::Options& options);

// Fills job.features, job.audio, job.frame_length/frame_step and job.augment; with an audio front end
// and no --window, the window becomes one second. Throws UsageError for a malformed --noise-snr.
void front_end_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job);

}  // namespace tml::cli
