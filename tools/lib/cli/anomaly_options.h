// The options that make an anomaly detector (docs/anomaly.md): `tml train --task anomaly` (a detector of
// spectral features alone, K-means or autoencoder) and `--anomaly kmeans` on a classifier (`tml train
// --header`, `tml quantize`: a K-means block over the classifier's own input).
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/train_run.h"
#include "tml/trainer/anomaly.h"

namespace tml::cli {

void add_anomaly_options(cxxopts::Options& options);

// What --anomaly, --clusters, --scaling, --hidden, --false-alarm (and --epochs, --lr, --seed for the
// autoencoder, when given) ask for; nothing when --anomaly is not given and `required` is false.
std::optional<trainer::AnomalyOptions> anomaly_options(const cxxopts::ParseResult& r, bool required);
// The --normal labels (empty: every label).
std::vector<std::string> normal_labels(const cxxopts::ParseResult& r);

// `tml train --task anomaly`: trains, reports on the test split, writes --out (a quantized model file,
// ready for tml export) and --header, and --json. Returns the exit status.
int train_anomaly_command(const cxxopts::ParseResult& r, const pipeline::TrainJob& job);

}  // namespace tml::cli
