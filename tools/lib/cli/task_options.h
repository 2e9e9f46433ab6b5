// The options of `tml train` that choose what a model predicts (--task, --heads) and how its value heads
// learn (--loss, --huber-delta, --value-weight), and the job they fill (docs/regression.md).
#pragma once

#include <cxxopts.hpp>

#include "pipeline/train_run.h"

namespace tml::cli {

void add_task_options(cxxopts::Options& options);

// Fills job.task, job.heads and the value-loss fields of job.options. Throws UsageError for a --loss that
// is neither mse nor huber.
void task_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job);

}  // namespace tml::cli
