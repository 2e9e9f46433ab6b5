// The options of `tml train` that set the training schedule (--epochs, --batch, --optimizer, --lr,
// --momentum, --seed, --validation, --patience, --class-weights, --threads), and the job they fill.
#pragma once

#include <cxxopts.hpp>

#include "pipeline/train_run.h"

namespace tml::cli {

void add_training_options(cxxopts::Options& options);

// Fills job.options (all but the window and the heads), job.optimizer, job.threads and job.class_weights.
void training_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job);

}  // namespace tml::cli
