// `tml train` as steps a command runs and prints between: read the architecture and the data, build the
// network, train, report on the test split, save, and with a header quantize and export it; and the
// report `tml train --json` writes. Every option is checked before any data is read.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "pipeline/quantize_run.h"
#include "tml/trainer/anomaly.h"
#include "tml/trainer/calibration.h"
#include "tml/trainer/feature_set.h"
#include "tml/trainer/float_model.h"
#include "tml/trainer/train.h"

namespace tml::pipeline {

struct TrainJob {
  std::filesystem::path dataset;        // a dataset folder, or anything `tml dataset import` reads
  std::string architecture = "conv1d";  // a preset (conv1d, dense) or an architecture file
  std::string window = "2s";            // seconds ("2s", "500ms") or rows ("208")
  std::string stride;                   // the same; "" = a quarter of the window
  std::optional<double> resample_hz;    // the recordings resampled to this rate first (trainer/resample.h)
  // A front end: "" (none: the network reads the raw window), "mfcc", "mfe" or "spectral". Its window is
  // `window` (raw rows), its stride `stride` (default: half the window, a whole number of hops for
  // audio); the rate and axes are the data's. The features of every window are computed once, by the
  // firmware's front end, and the network trains on them (trainer/feature_set.h).
  std::string features;
  trainer::AudioFrontEndConfig audio;   // mfcc / mfe: all but kind, sample_rate and window_samples
  std::string frame_length, frame_step; // mfcc / mfe: seconds or rows; "" = audio's (30 ms, 20 ms at 16 kHz)
  trainer::SpectralConfig spectral;     // spectral: all but sample_rate, window_rows and axes
  trainer::AugmentOptions augment;      // with a front end: augmented copies of the training windows
  // What the model predicts (docs/regression.md): "classify", "regression" or "multi", and its heads:
  // "class" and target names, comma-separated ("" = the task's default: the class head, every numeric
  // target of the data, or both). They fill options.classify and options.targets.
  std::string task = "classify";
  // A classifier's K-means anomaly block over its own input (docs/anomaly.md), added when it is
  // quantized (--header), trained on the training windows of the `normal` labels (empty: all).
  std::optional<trainer::AnomalyOptions> anomaly;
  std::vector<std::string> normal;
  std::string heads;
  trainer::TrainOptions options;        // all but the window, the optimizer, the threads and the heads:
  std::string optimizer = "adam";       // adam or sgd
  std::string threads = "auto";         // a count, or auto: recommended_threads() for the network and batch
  std::string class_weights;            // "" (all 1), "balanced", or one number per label, comma-separated
  std::filesystem::path out;            // the float model file; "" = not saved
  std::filesystem::path header;         // the exported header; "" = not quantized
  std::string prefix = "tml_model";     // the header's names
  trainer::CalibrationOptions calibration;
};

class TrainRun {
 public:
  // Checks the job as far as it can without data (the options, the prefix, something to write, the
  // architecture), then reads the architecture and the data, cuts the window, checks the data and
  // builds the network. Throws UsageError for an option that is wrong, Error for the data or the
  // architecture, naming the file.
  explicit TrainRun(TrainJob job);

  const TrainJob& job() const { return job_; }
  const trainer::RecordingSet& data() const { return set_; }
  const trainer::Model& model() const { return model_; }
  const trainer::TrainOptions& options() const { return options_; }  // with the window and the threads
  // "Training conv1d on gestures/: 48 recordings, ...", the network's layer table and the thread count.
  std::string describe() const;

  // Trains the network (trainer::train) and records in the model where it came from.
  const trainer::TrainResult& train(const trainer::TrainCallbacks& callbacks = {});
  // "Trained 30 epochs on 2,000 windows in 4.12 s (14563 windows/s)", and where it stopped early.
  std::string describe_training() const;
  // The model on the test split, or nothing when the dataset has no test recordings.
  const std::optional<trainer::Metrics>& evaluate_test();
  // Writes the float model file (job.out).
  void save() const;
  // Quantizes the model (calibrated on the training windows) and writes the header (job.header).
  const QuantizeRun& quantize_and_export();
  // What `tml train --json` writes: the job, the run and every metric measured so far.
  nlohmann::json report() const;

 private:
  void apply_front_end();  // set_ becomes the features of its windows

  TrainJob job_;
  trainer::RecordingSet set_;
  trainer::Model model_;
  trainer::TrainOptions options_;
  trainer::TrainResult result_;
  std::optional<trainer::Metrics> test_;
  std::optional<QuantizeRun> int8_;
  double read_hz_ = 0;  // the data's rate as read, before any resampling
  trainer::FrontEndInput front_end_;  // the front end, when the job has one
  size_t raw_recordings_ = 0;         // recordings read (set_ holds one per raw window with a front end)
};

}  // namespace tml::pipeline
