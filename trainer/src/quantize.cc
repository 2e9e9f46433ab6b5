#include "tml/trainer/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tml/kernels.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/error.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/train.h"
#include "tml/trainer/pooling.h"
#include "tml/trainer/train.h"

namespace tml::trainer {
namespace {

std::string where(const FusedLayer& fl, size_t j) {
  return "int8 layer " + std::to_string(j + 1) + " (" + fl.description + ")";
}

}  // namespace

// The weights of output channel o are w[o * per + k] (conv1d [out][kernel][in], dense [out][in]) or, for
// a depthwise conv1d ([kernel][channels]), w[k * units + o].
void quantize_parameters(const Layer& l, const std::string& what, double input_scale, QuantizedLayer& out,
                         std::vector<double>& weight_scales) {
  const std::vector<float>& w = l.param("weights").value;
  const std::vector<float>& b = l.param("bias").value;
  const size_t units = b.size(), per = w.size() / units;
  const bool depthwise = l.kind() == LayerKind::DepthwiseConv1D;
  const auto at = [&](size_t o, size_t k) { return depthwise ? k * units + o : o * per + k; };
  out.weights.resize(w.size());
  out.bias.resize(units);
  weight_scales.resize(units);
  for (size_t o = 0; o < units; ++o) {
    float max_abs = 0;
    for (size_t k = 0; k < per; ++k) max_abs = std::max(max_abs, std::fabs(w[at(o, k)]));
    const double scale = max_abs > 0 ? static_cast<double>(max_abs) / 127.0 : 1.0 / 127.0;
    weight_scales[o] = scale;
    for (size_t k = 0; k < per; ++k) {
      const double q = std::round(static_cast<double>(w[at(o, k)]) / scale);
      out.weights[at(o, k)] = static_cast<int8_t>(std::clamp(q, -127.0, 127.0));
    }
    const double qb = std::round(static_cast<double>(b[o]) / (input_scale * scale));
    // The runner needs |bias| + dot * 255 * 127 within an int32 accumulator.
    const double limit = static_cast<double>(std::numeric_limits<int32_t>::max()) - static_cast<double>(per) * 255.0 * 127.0;
    if (!(std::fabs(qb) <= limit))
      throw Error(what + ": the bias of output channel " + std::to_string(o) + " (" + std::to_string(b[o]) +
                  ") is too large for the int32 accumulator at this input and weight scale");
    out.bias[o] = static_cast<int32_t>(qb);
  }
}

QuantizeResult quantize(const Model& model, const RecordingSet& set, const std::vector<Window>& calibration_windows,
                        const CalibrationOptions& options) {
  model.validate();
  QuantizeResult r;
  r.folded = fold(model.net);
  r.calibration = calibrate(r.folded, set, calibration_windows, model.window, model.normalization, options);

  QuantizedModel& q = r.quantized;
  q.input_time = model.window;
  q.input_channels = static_cast<int>(model.axes.size());
  r.input = choose_quant_params(r.calibration.input);
  q.input_scale = r.input.scale;
  q.input_zero_point = r.input.zero_point;
  check_blob_labels(model.labels);
  q.labels = model.labels;
  for (const ValueHead& v : model.values) q.values.push_back(QuantizedValueHead{v.name, v.mean, v.std});
  q.mean = model.normalization.mean;
  q.inv_std = model.normalization.inv_std();
  q.features = model.front_end.section;  // the blob's front end: the raw window becomes the input above

  QuantParams current = r.input;
  for (size_t j = 0; j < r.folded.layers.size(); ++j) {
    const FusedLayer& fl = r.folded.layers[j];
    QuantizedLayer ql;
    switch (fl.kind) {
      case TML_LAYER_CONV1D:
      case TML_LAYER_DEPTHWISE_CONV1D:
      case TML_LAYER_FULLY_CONNECTED: {
        const Layer& l = r.folded.net.layer(fl.linear);
        ql.kind = fl.kind;
        const QuantParams out = choose_quant_params(r.calibration.outputs[j]);
        std::vector<double> weight_scales;
        quantize_parameters(l, where(fl, j), current.scale, ql, weight_scales);
        ql.units = static_cast<int>(ql.bias.size());
        if (fl.kind == TML_LAYER_CONV1D) {
          const auto& c = static_cast<const Conv1D&>(l);
          ql.kernel_size = c.kernel();
          ql.stride = c.stride();
          ql.pad_left = c.pad_left();
          ql.pad_right = c.pad_right();
          if (fl.pool != SIZE_MAX) {
            const auto& p = static_cast<const MaxPool1D&>(r.folded.net.layer(fl.pool));
            ql.pool_size = p.pool();
            ql.pool_stride = p.stride();
          }
        } else if (fl.kind == TML_LAYER_DEPTHWISE_CONV1D) {
          const auto& c = static_cast<const DepthwiseConv1D&>(l);
          ql.kernel_size = c.kernel();
          ql.stride = c.stride();
          ql.pad_left = c.pad_left();
          ql.pad_right = c.pad_right();
        }
        ql.output_scale = out.scale;
        ql.output_zero_point = out.zero_point;
        ql.act_min = fl.relu ? out.zero_point : -128;
        try {
          set_requantization(ql, current.scale, weight_scales, out.scale);
        } catch (const Error& e) {
          throw Error(where(fl, j) + ": " + e.what());
        }
        current = out;
        break;
      }
      case TML_LAYER_MAX_POOL1D:
      case TML_LAYER_AVG_POOL1D: {
        const Layer& l = r.folded.net.layer(fl.pool);
        const int pool = fl.kind == TML_LAYER_MAX_POOL1D ? static_cast<const MaxPool1D&>(l).pool()
                                                          : static_cast<const AvgPool1D&>(l).pool();
        const int stride = fl.kind == TML_LAYER_MAX_POOL1D ? static_cast<const MaxPool1D&>(l).stride()
                                                            : static_cast<const AvgPool1D&>(l).stride();
        ql = pooling_layer(fl.kind, pool, stride);
        ql.act_min = fl.relu ? current.zero_point : -128;
        break;
      }
      case TML_LAYER_GLOBAL_AVG_POOL1D:
        ql = pooling_layer(fl.kind);
        ql.act_min = fl.relu ? current.zero_point : -128;
        break;
      case TML_LAYER_SOFTMAX:
        try {
          ql = softmax_layer(current.scale);
        } catch (const Error& e) {
          throw Error(where(fl, j) + ": " + e.what());
        }
        current = QuantParams{TML_SOFTMAX_OUTPUT_SCALE, TML_SOFTMAX_OUTPUT_ZERO_POINT};
        break;
      default: throw Error(where(fl, j) + ": internal: unknown kind");
    }
    r.outputs.push_back(current);
    q.layers.push_back(std::move(ql));
  }
  try {
    r.blob = write_model_blob(q);
  } catch (const Error& e) {
    throw Error(std::string("the quantized model is not valid: ") + e.what());
  }
  return r;
}

Comparison compare(Model& model, QuantizeResult& quantized, const RecordingSet& set, const std::vector<Window>& windows) {
  Comparison c;
  c.float_metrics = evaluate(model, set, windows, &c.float_predictions);

  Int8Model int8(quantized.blob);
  FoldedNet& folded = quantized.folded;
  const size_t F = folded.layers.size();
  std::vector<tml_layer_record> records(F);
  for (size_t j = 0; j < F; ++j) tml_model_layer(&int8.model(), static_cast<uint32_t>(j), &records[j]);

  struct Sums {
    double sq_float = 0, sq_diff = 0, max_abs = 0;
    int64_t count = 0, clipped = 0;
    Range seen{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  };
  std::vector<Sums> sums(F);
  const int length = model.window, A = set.axis_count();
  const size_t window_values = static_cast<size_t>(length) * A;
  constexpr int kBatch = 64;
  std::vector<float> x(kBatch * window_values), raw(kBatch * window_values);
  std::vector<std::vector<float>> acts;
  std::vector<int> truth;
  std::vector<float> values;  // the int8 value heads', [windows][heads]
  double loss = 0;
  for (size_t i = 0; i < windows.size(); i += kBatch) {
    const int n = static_cast<int>(std::min<size_t>(kBatch, windows.size() - i));
    gather(set, windows.data() + i, nullptr, n, length, model.normalization, x.data(), nullptr);
    gather_raw(set, windows.data() + i, n, length, raw.data());
    forward_all(folded, x.data(), n, acts);
    for (int b = 0; b < n; ++b) {
      const std::vector<std::vector<int8_t>> outs = int8.run_layers(raw.data() + b * window_values);
      for (size_t j = 0; j < F; ++j) {
        const tml_layer_record& rec = records[j];
        const size_t size = outs[j].size();
        const float* fv = acts[folded.layers[j].last].data() + static_cast<size_t>(b) * size;
        const double scale = rec.output_scale;
        const int zp = rec.output_zero_point;
        const double lo = scale * (-128 - zp), hi = scale * (127 - zp);
        Sums& s = sums[j];
        for (size_t k = 0; k < size; ++k) {
          const double f = fv[k], d = f - scale * (outs[j][k] - zp);
          s.sq_float += f * f;
          s.sq_diff += d * d;
          s.max_abs = std::max(s.max_abs, std::fabs(d));
          s.clipped += (f < lo - 0.5 * scale || f > hi + 0.5 * scale) ? 1 : 0;
          s.seen.min = std::min(s.seen.min, f);
          s.seen.max = std::max(s.seen.max, f);
        }
        s.count += static_cast<int64_t>(size);
      }
      const Window& w = windows[i + static_cast<size_t>(b)];
      c.int8_predictions.push_back(int8.top_class(outs.back()));
      const std::vector<float> v = int8.values(outs.back());
      values.insert(values.end(), v.begin(), v.end());
      truth.push_back(w.label);
      loss += int8.loss(w.label);
    }
  }
  if (model.has_classes()) c.int8_metrics = compute_metrics(truth, c.int8_predictions, set.labels);
  c.int8_metrics.count = static_cast<int64_t>(windows.size());
  c.int8_metrics.has_classes = model.has_classes();
  c.int8_metrics.values = value_metrics(set, windows, model.window, model.values, values);
  if (!windows.empty()) c.int8_metrics.loss = loss / static_cast<double>(windows.size());
  int64_t same = 0;
  for (size_t i = 0; i < windows.size(); ++i) same += c.float_predictions[i] == c.int8_predictions[i] ? 1 : 0;
  c.agreement = windows.empty() ? 0 : static_cast<double>(same) / static_cast<double>(windows.size());
  for (const Sums& s : sums) {
    LayerError e;
    e.max_abs = s.max_abs;
    e.rms = s.count ? std::sqrt(s.sq_diff / static_cast<double>(s.count)) : 0;
    e.sqnr_db = s.sq_diff > 0 ? (s.sq_float > 0 ? 10.0 * std::log10(s.sq_float / s.sq_diff) : -999.0) : 999.0;
    e.clipped = s.count ? static_cast<double>(s.clipped) / static_cast<double>(s.count) : 0;
    e.seen = s.count ? s.seen : Range{};
    c.layers.push_back(e);
  }
  return c;
}

}  // namespace tml::trainer
