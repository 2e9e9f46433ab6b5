// An int8 model blob run on the host with the firmware's own code (tml_model_prepare_input and
// tml_model_run, compiled for the host): what the board computes, bit for bit. `tml eval` of a quantized
// model, the quantizer's int8 accuracy and the board-vs-host checks all go through here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/anomaly.h"
#include "tml/model.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/data.h"
#include "tml/trainer/metrics.h"

namespace tml::trainer {

class Int8Model {
 public:
  // Validates the blob (tml_model_init); throws Error with the status if it is invalid.
  explicit Int8Model(const std::vector<uint8_t>& blob);

  const tml_model& model() const { return blob_.model(); }
  uint32_t hash() const { return blob_.header().hash; }
  int window_rows() const { return blob_.header().input_time; }
  int axes() const { return blob_.header().input_channels; }
  int classes() const { return static_cast<int>(tml_model_class_count(&blob_.model())); }  // class outputs
  std::vector<std::string> labels() const { return blob_.labels(); }  // empty names for a blob without labels
  int value_count() const { return static_cast<int>(tml_model_value_count(&blob_.model())); }
  std::vector<std::string> value_names() const { return blob_.value_names(); }
  // The value heads' real values from an output of run() (tml_model_values: what the board sends).
  std::vector<float> values(const std::vector<int8_t>& output) const;

  // Runs one window of raw sensor values ([window_rows][axes], row-major, physical units) exactly as the
  // board does: normalise and quantize, then every layer. Returns the int8 output scores.
  std::vector<int8_t> run(const float* raw);
  // One window of the stream the board reads: the front end's raw window [stream_rows][stream_axes] when
  // the blob has one (tml_model_prepare_features, as the board's continuous inference computes it),
  // else run() on the window.
  std::vector<int8_t> run_stream(const float* raw);
  // The anomaly score of the last run() or run_stream() (tml_model_anomaly); false for a blob without an
  // anomaly block.
  bool anomaly(tml_anomaly_result& result) const;
  uint32_t stream_rows() const { return blob_.stream_rows(); }
  uint32_t stream_axes() const { return blob_.stream_axes(); }
  // The same run layer by layer (tml_model_run_layer): every layer's int8 output, in order; the last one
  // is what run() returns.
  std::vector<std::vector<int8_t>> run_layers(const float* raw);
  // The logits of the last run (the input of a final softmax, else the output), and their quantization.
  std::vector<int8_t> logits() const;
  // Cross-entropy of the last run for true class `label`: softmax of the dequantized logits, in double
  // (0 without a class head).
  double loss(int label) const;
  // Index of the highest score (the first on ties), as the board picks its top class.
  static int top(const std::vector<int8_t>& scores);
  // The class scores of an output of run(), as the board sends them (tml_model_class_scores): the output
  // of a classifier, the class head's softmax of a multi-output model; none without a class head.
  std::vector<int8_t> class_scores(const std::vector<int8_t>& output) const;
  // The top class of an output of run(): top() of its class scores (0 without a class head).
  int top_class(const std::vector<int8_t>& output) const;

 private:
  Blob blob_;
  std::vector<uint32_t> arena_;
  std::vector<uint32_t> scratch_;  // the front end's (tml_model_features_buffer_size)
};

// Runs the model on `windows` of `set` (raw values: the model normalises them itself) and compares the
// top classes with the windows' labels; set.labels name the classes (as many as the model's class
// outputs). Value heads are compared with the data's targets of their names (MAE, RMSE, R^2).
// The loss is loss() above. `predictions`, if given, receives each window's top class. Deterministic:
// the same blob and windows give the same predictions, on every machine.
Metrics evaluate(Int8Model& model, const RecordingSet& set, const std::vector<Window>& windows,
                 std::vector<int>* predictions = nullptr);

// The raw (not normalised) values of the `count` windows at `windows`: count * length * axes floats into x.
void gather_raw(const RecordingSet& set, const Window* windows, int count, int length, float* x);

}  // namespace tml::trainer
