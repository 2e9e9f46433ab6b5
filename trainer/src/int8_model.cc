#include "tml/trainer/int8_model.h"

#include <algorithm>
#include <cmath>

#include "tml/trainer/error.h"
#include "tml/trainer/train.h"

namespace tml::trainer {

Int8Model::Int8Model(const std::vector<uint8_t>& blob)
    : blob_(blob),
      arena_((tml_model_arena_size(&blob_.model()) + 3) / 4),
      scratch_(blob_.model().features.kind ? (tml_model_features_buffer_size(&blob_.model()) + 3) / 4 : 0) {}

std::vector<int8_t> Int8Model::run_stream(const float* raw) {
  if (!model().features.kind) return run(raw);
  void* arena = arena_.data();
  const size_t n = static_cast<size_t>(stream_rows()) * stream_axes();
  int s = tml_model_prepare_features(&model(), raw, n, scratch_.data(), scratch_.size() * 4,
                                     tml_model_input(&model(), arena));
  if (s == TML_OK) s = tml_model_run(&model(), arena, arena_.size() * 4, nullptr, nullptr);
  check_status(s, "int8 model run failed");
  const int8_t* out = tml_model_output(&model(), arena);
  return std::vector<int8_t>(out, out + tml_model_output_size(&model()));
}

bool Int8Model::anomaly(tml_anomaly_result& result) const {
  if (!model().anomaly.block) return false;
  check_status(tml_model_anomaly(&model(), arena_.data(), arena_.size() * 4, &result), "the anomaly score");
  return true;
}

std::vector<int8_t> Int8Model::run(const float* raw) {
  void* arena = arena_.data();
  const size_t n = static_cast<size_t>(window_rows()) * axes();
  int s = tml_model_prepare_input(&model(), raw, n, tml_model_input(&model(), arena));
  if (s == TML_OK) s = tml_model_run(&model(), arena, arena_.size() * 4, nullptr, nullptr);
  check_status(s, "int8 model run failed");
  const int8_t* out = tml_model_output(&model(), arena);
  return std::vector<int8_t>(out, out + tml_model_output_size(&model()));
}

std::vector<std::vector<int8_t>> Int8Model::run_layers(const float* raw) {
  void* arena = arena_.data();
  const size_t n = static_cast<size_t>(window_rows()) * axes();
  int s = tml_model_prepare_input(&model(), raw, n, tml_model_input(&model(), arena));
  std::vector<std::vector<int8_t>> out;
  for (uint32_t i = 0; s == TML_OK && i < blob_.header().layer_count; ++i) {
    tml_layer_record r;
    s = tml_model_layer(&model(), i, &r);
    if (s == TML_OK) s = tml_model_run_layer(&model(), arena, arena_.size() * 4, i);
    if (s != TML_OK) break;
    const int8_t* o = reinterpret_cast<const int8_t*>(arena_.data()) + r.output_arena_offset;
    out.emplace_back(o, o + size_t{r.out_time} * r.out_channels);
  }
  check_status(s, "int8 model run failed");
  return out;
}

std::vector<float> Int8Model::values(const std::vector<int8_t>& output) const {
  std::vector<float> v(static_cast<size_t>(value_count()));
  if (output.size() != tml_model_output_size(&model())) throw Error("values: not an output of this model");
  if (!v.empty()) check_status(tml_model_values(&model(), output.data(), v.data(), static_cast<uint32_t>(v.size())),
                               "int8 model values failed");
  return v;
}

std::vector<int8_t> Int8Model::class_scores(const std::vector<int8_t>& output) const {
  std::vector<int8_t> scores(static_cast<size_t>(classes()));
  if (output.size() != tml_model_output_size(&model())) throw Error("class scores: not an output of this model");
  if (scores.empty()) return scores;  // value heads alone
  check_status(tml_model_class_scores(&model(), output.data(), scores.data(), static_cast<uint32_t>(scores.size())),
               "int8 model class scores failed");
  return scores;
}

int Int8Model::top_class(const std::vector<int8_t>& output) const {
  return classes() == 0 ? 0 : top(class_scores(output));
}

double Int8Model::loss(int label) const {
  if (classes() == 0) return 0;
  const std::vector<int8_t> l = logits();
  std::vector<double> z(l.size());
  for (size_t i = 0; i < l.size(); ++i) z[i] = double{model().logits_scale} * (l[i] - model().logits_zero_point);
  const double m = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double v : z) sum += std::exp(v - m);
  return std::log(sum) - (z[static_cast<size_t>(label)] - m);
}

std::vector<int8_t> Int8Model::logits() const {
  const int8_t* l = tml_model_logits(&model(), arena_.data());
  return std::vector<int8_t>(l, l + classes());
}

int Int8Model::top(const std::vector<int8_t>& scores) {
  int best = 0;
  for (size_t i = 1; i < scores.size(); ++i)
    if (scores[i] > scores[static_cast<size_t>(best)]) best = static_cast<int>(i);
  return best;
}

void gather_raw(const RecordingSet& set, const Window* windows, int count, int length, float* x) {
  Normalization identity;  // (x - 0) * (1 / 1): every value unchanged
  identity.mean.assign(static_cast<size_t>(set.axis_count()), 0.0f);
  identity.std.assign(static_cast<size_t>(set.axis_count()), 1.0f);
  gather(set, windows, nullptr, count, length, identity, x, nullptr);
}

Metrics evaluate(Int8Model& model, const RecordingSet& set, const std::vector<Window>& windows,
                 std::vector<int>* predictions) {
  if (set.axis_count() != model.axes())
    throw Error("the data has " + std::to_string(set.axis_count()) + " axes but the int8 model takes " +
                std::to_string(model.axes()));
  const bool classes = model.classes() > 0;
  if (classes && static_cast<int>(set.labels.size()) != model.classes())
    throw Error("the data has " + std::to_string(set.labels.size()) + " labels but the int8 model has " +
                std::to_string(model.classes()) + " class outputs");
  const int length = model.window_rows();
  std::vector<float> x(static_cast<size_t>(length) * model.axes()), values;
  std::vector<int> truth, predicted;
  double loss = 0;
  for (const Window& w : windows) {
    gather_raw(set, &w, 1, length, x.data());
    const std::vector<int8_t> out = model.run(x.data());
    predicted.push_back(model.top_class(out));
    const std::vector<float> v = model.values(out);
    values.insert(values.end(), v.begin(), v.end());
    truth.push_back(w.label);
    loss += model.loss(w.label);
  }
  Metrics m = classes ? compute_metrics(truth, predicted, set.labels) : Metrics{};
  m.count = static_cast<int64_t>(windows.size());
  m.has_classes = classes;
  if (!windows.empty()) m.loss = classes ? loss / static_cast<double>(windows.size()) : -1;  // -1: not measured
  std::vector<ValueHead> heads;
  for (const std::string& name : model.value_names()) heads.push_back(ValueHead{name, "", 0, 1});
  m.values = value_metrics(set, windows, length, heads, values);
  if (predictions) *predictions = std::move(predicted);
  return m;
}

}  // namespace tml::trainer
