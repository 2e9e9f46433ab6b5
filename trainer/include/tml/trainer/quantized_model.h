// The quantized model file (`.q.model`, format "tml-quantized-model", version 1): the int8 model blob
// the firmware runs, plus what `tml export` and `tml eval` need that the blob lacks (stride, sample
// rate, axes with units, sensor, full labels) and a record of how it was made (source model,
// calibration, float and int8 accuracy, per-layer quantization). JSON; the blob is base64.
// docs/model_json.md specifies every field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/trainer/calibration.h"
#include "tml/trainer/float_model.h"

namespace tml::trainer {

constexpr int kQModelFormatVersion = 1;

// One int8 layer, as quantized (informational: the blob is what runs).
struct QLayerInfo {
  std::string kind;          // "conv1d", "fully_connected", "max_pool1d", ..., "softmax"
  std::string name;          // the float layers' types: "conv1d+relu+maxpool1d"
  std::string description;   // the float layers it computes: "conv1d 8 filters, ... + relu + maxpool1d ..."
  std::vector<int> sources;  // their 1-based indices in the float model
  Range range;               // calibrated output range (conv1d and fully connected)
  QuantParams output;        // output quantization
};

// How the blob's anomaly block was made (informational: the block is what scores).
struct AnomalyInfo {
  std::string method;               // "kmeans" or "autoencoder"; "" = the blob has no anomaly block
  std::vector<std::string> normal;  // the labels whose windows were normal operation
  double false_alarm_rate = 0;      // of the normal validation windows above the threshold
  int clusters = 0;                 // K-means
  std::vector<int> hidden;          // autoencoder: its hidden layers' units
  int64_t train_windows = 0, validation_windows = 0;
};

struct QModel {
  std::vector<uint8_t> blob;          // the model blob (docs/model_format.md)
  std::vector<std::string> labels;    // class names, in output order (the blob holds the same)
  std::vector<ValueHead> values;      // value heads after the classes (the blob's heads table has their
                                      // names, means and stds)
  int window = 0;                     // rows per window (= the blob's input time)
  int stride = 0;                     // rows between windows in training: the default for sliding inference
  double rate_hz = 0;
  std::vector<Axis> axes;             // input channels (= the blob's input channels)
  std::string sensor;                 // the dataset's sensor: "accelerometer", "microphone", "light", ...
  // The front end, when the blob has one (its section is the blob's, copied here when the file is read):
  // window, stride, rate and axes above are then the network input's, as in the float model.
  FrontEndInput front_end;

  // The float model it was quantized from, as a float model file's text (model_to_json), or empty. The
  // file embeds it, so a quantized model alone can be compared with its float source (tml report).
  std::string float_model;

  // How it was made (informational).
  std::string source_model;           // the float model file's path
  std::string architecture;
  std::string dataset;                // calibration and evaluation data
  std::string created, tool;
  CalibrationOptions calibration;
  int64_t calibration_windows = 0;
  Range input_range;                  // calibrated range of the normalised input
  std::vector<QLayerInfo> layers;
  std::string eval_split;             // "test", "train" or "" when not measured
  int64_t eval_windows = 0;
  double float_accuracy = -1;         // -1: not measured
  double int8_accuracy = -1;
  double float_mae = -1;              // value heads: mean over the heads, target units; -1: none
  double int8_mae = -1;
  AnomalyInfo anomaly;

  // Throws Error for the first inconsistency: the blob invalid (tml_model_init's status), labels not the
  // blob's, window or axis count not the blob's input, stride outside 1..window, rate not positive, an
  // embedded float model that is not valid or has other labels, window or axes, an anomaly method the
  // blob's block is not.
  void validate() const;
};

// The file as JSON text; throws Error if the model does not validate.
std::string qmodel_to_json(const QModel& model);

// Parses and validates a quantized model file; `origin` (a path) prefixes error messages.
QModel qmodel_from_json(const std::string& text, const std::string& origin);

// The "format" of a model file's text: "tml-model", "tml-quantized-model", or "" if it is neither (not
// JSON, or no such field).
std::string model_file_format(const std::string& text);

}  // namespace tml::trainer
