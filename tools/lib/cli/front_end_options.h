// The options of `tml train` that choose a front end and its augmentation (--features, --frame-length,
// ..., --augment, --noise-snr, and the spectral front end's --spectral-stats ... --filter-order), and the
// job they fill.
#pragma once

#include <cxxopts.hpp>

#include "pipeline/train_run.h"

namespace tml::cli {

void add_front_end_options(cxxopts::Options& options);  // the spectral options too
void add_spectral_options(cxxopts::Options& options);

// The spectral front end's settings from --spectral-stats, --peaks, --bands, --spectral-fft, --filter,
// --cutoff, --filter-order (its rate, window and axes are the data's). Throws UsageError for a value
// that is not one of the choices; the front end checks the ranges.
trainer::SpectralConfig spectral_options(const cxxopts::ParseResult& r);

// Fills job.features, job.audio, job.spectral, job.frame_length/frame_step and job.augment; with an audio front end
// and no --window, the window becomes one second. Throws UsageError for a malformed --noise-snr.
void front_end_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job);

}  // namespace tml::cli
