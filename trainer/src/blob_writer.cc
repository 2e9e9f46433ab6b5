// The model blob writer (see blob_writer.h); the layout itself is defined in tml/model_format.h.
#include "tml/trainer/blob_writer.h"

#include <cmath>
#include <cstring>
#include <string>

#include "tml/features.h"
#include "tml/kernels.h"
#include "tml/model.h"
#include "tml/requant.h"
#include "tml/trainer/error.h"

namespace tml::trainer {
namespace {

[[noreturn]] void fail(const std::string& what) { throw Error("model blob: " + what); }

std::string where(size_t index, const QuantizedLayer& layer) {
  return "layer " + std::to_string(index) + " (" + layer_kind_name(layer.kind) + "): ";
}

void check_range(const std::string& what, long long value, long long lo, long long hi) {
  if (value < lo || value > hi)
    fail(what + " is " + std::to_string(value) + ", outside " + std::to_string(lo) + ".." + std::to_string(hi));
}

// Appends arrays at 4-aligned offsets.
class Writer {
 public:
  std::vector<uint8_t> bytes;

  uint32_t append(const void* data, size_t n) {
    while (bytes.size() % TML_MODEL_ALIGN) bytes.push_back(0);
    const auto offset = static_cast<uint32_t>(bytes.size());
    const auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + n);
    if (bytes.size() > UINT32_MAX) fail("the model is larger than 4 GiB");
    return offset;
  }
  template <typename T>
  uint32_t append(const std::vector<T>& v) {
    return v.empty() ? 0 : append(v.data(), v.size() * sizeof(T));
  }
};

bool keeps_quantization(int kind) {
  return kind == TML_LAYER_MAX_POOL1D || kind == TML_LAYER_AVG_POOL1D || kind == TML_LAYER_GLOBAL_AVG_POOL1D;
}

// The record of one layer without offsets; checks what a user can get wrong with a clear message.
tml_layer_record make_record(size_t index, const QuantizedLayer& layer, const tml_dims& in, int in_zp, float in_scale) {
  const std::string at = where(index, layer);
  tml_layer_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = static_cast<uint8_t>(layer.kind);
  r.input_zero_point = static_cast<int8_t>(in_zp);
  r.in_time = static_cast<uint16_t>(in.time);
  r.in_channels = static_cast<uint16_t>(in.channels);
  check_range(at + "kernel_size", layer.kernel_size, 0, 65535);
  check_range(at + "stride", layer.stride, 0, 65535);
  check_range(at + "pad_left", layer.pad_left, 0, 65535);
  check_range(at + "pad_right", layer.pad_right, 0, 65535);
  check_range(at + "pool_size", layer.pool_size, 0, 65535);
  check_range(at + "pool_stride", layer.pool_stride, 0, 65535);
  check_range(at + "act_min", layer.act_min, -128, 127);
  check_range(at + "act_max", layer.act_max, layer.act_min, 127);
  r.act_min = static_cast<int8_t>(layer.act_min);
  r.act_max = static_cast<int8_t>(layer.act_max);

  switch (layer.kind) {
    case TML_LAYER_FULLY_CONNECTED:
    case TML_LAYER_CONV1D:
      check_range(at + "units", layer.units, 1, 65535);
      r.out_channels = static_cast<uint16_t>(layer.units);
      break;
    case TML_LAYER_DEPTHWISE_CONV1D:
      if (layer.units != in.channels)
        fail(at + "units is " + std::to_string(layer.units) + ", but a depthwise conv1d keeps its input's " +
             std::to_string(in.channels) + " channels");
      r.out_channels = static_cast<uint16_t>(layer.units);
      break;
    case TML_LAYER_MAX_POOL1D:
    case TML_LAYER_AVG_POOL1D:
    case TML_LAYER_GLOBAL_AVG_POOL1D:
    case TML_LAYER_SOFTMAX: break;
    default: fail(at + "unknown layer kind " + std::to_string(layer.kind));
  }
  const bool windowed = layer.kind == TML_LAYER_CONV1D || layer.kind == TML_LAYER_DEPTHWISE_CONV1D ||
                        layer.kind == TML_LAYER_MAX_POOL1D || layer.kind == TML_LAYER_AVG_POOL1D;
  if (!windowed && (layer.kernel_size || layer.stride || layer.pad_left || layer.pad_right))
    fail(at + "this kind of layer has no kernel_size, stride or padding");
  if (layer.kind != TML_LAYER_CONV1D && (layer.pool_size || layer.pool_stride))
    fail(at + "only conv1d fuses pooling (pool_size, pool_stride)");
  if (windowed) {
    r.kernel_size = static_cast<uint16_t>(layer.kernel_size);
    r.stride = static_cast<uint16_t>(layer.stride);
    r.pad_left = static_cast<uint16_t>(layer.pad_left);
    r.pad_right = static_cast<uint16_t>(layer.pad_right);
  }
  if (layer.kind == TML_LAYER_CONV1D) {
    r.pool_size = static_cast<uint16_t>(layer.pool_size);
    r.pool_stride = static_cast<uint16_t>(layer.pool_size ? layer.pool_stride : 0);
  }

  if (keeps_quantization(layer.kind)) {
    if (layer.output_scale != 0.0f && (layer.output_scale != in_scale || layer.output_zero_point != in_zp))
      fail(at + "pooling keeps its input's scale and zero point (leave output_scale at 0)");
    r.output_scale = in_scale;
    r.output_zero_point = static_cast<int8_t>(in_zp);
  } else if (layer.kind == TML_LAYER_SOFTMAX) {
    r.output_scale = TML_SOFTMAX_OUTPUT_SCALE;
    r.output_zero_point = TML_SOFTMAX_OUTPUT_ZERO_POINT;
    if (layer.act_min != -128 || layer.act_max != 127) fail(at + "softmax takes no activation clamp");
    if (layer.exp_multiplier < 1 || layer.exp_multiplier > TML_SOFTMAX_MAX_EXP_MULTIPLIER)
      fail(at + "exp_multiplier " + std::to_string(layer.exp_multiplier) +
           " is out of range (use softmax_layer or tml_softmax_s8_exp_multiplier)");
  } else {
    if (!(layer.output_scale > 0.0f) || !std::isfinite(layer.output_scale)) fail(at + "output_scale must be > 0");
    check_range(at + "output_zero_point", layer.output_zero_point, -128, 127);
    r.output_scale = layer.output_scale;
    r.output_zero_point = static_cast<int8_t>(layer.output_zero_point);
  }

  tml_dims out;
  if (tml_layer_output_dims(&r, &out) != TML_OK)
    fail(at + "impossible geometry for an input of " + std::to_string(in.time) + " x " + std::to_string(in.channels) +
         " (kernel " + std::to_string(layer.kernel_size) + ", stride " + std::to_string(layer.stride) + ", padding " +
         std::to_string(layer.pad_left) + "+" + std::to_string(layer.pad_right) + ", pool " +
         std::to_string(layer.pool_size) + "/" + std::to_string(layer.pool_stride) + ")");
  if (out.time > 65535 || out.channels > 65535) fail(at + "output larger than 65535 steps or channels");
  r.out_time = static_cast<uint16_t>(out.time);
  r.out_channels = static_cast<uint16_t>(out.channels);

  if (has_parameters(layer.kind)) {
    const size_t units = static_cast<size_t>(layer.units);
    const size_t dot = layer.kind == TML_LAYER_CONV1D             ? size_t(layer.kernel_size) * size_t(in.channels)
                       : layer.kind == TML_LAYER_DEPTHWISE_CONV1D ? size_t(layer.kernel_size)
                                                                  : size_t(in.time) * size_t(in.channels);
    if (layer.weights.size() != units * dot)
      fail(at + "weights has " + std::to_string(layer.weights.size()) + " values, expected " +
           std::to_string(units * dot));
    for (int8_t w : layer.weights)
      if (w == -128) fail(at + "weight -128: weights are symmetric, -127..127");
    if (!layer.bias.empty() && layer.bias.size() != units)
      fail(at + "bias has " + std::to_string(layer.bias.size()) + " values, expected " + std::to_string(units));
    if (layer.multiplier.size() != units || layer.shift.size() != units)
      fail(at + "multiplier and shift need " + std::to_string(units) + " values each (see set_requantization)");
  } else if (!layer.weights.empty() || !layer.bias.empty() || !layer.multiplier.empty() || !layer.shift.empty()) {
    fail(at + "this kind of layer has no weights, bias or requantization");
  }
  return r;
}

}  // namespace

bool has_parameters(int kind) {
  return kind == TML_LAYER_FULLY_CONNECTED || kind == TML_LAYER_CONV1D || kind == TML_LAYER_DEPTHWISE_CONV1D;
}

void check_blob_labels(const std::vector<std::string>& labels) {
  for (const std::string& label : labels)
    if (label.size() >= TML_MODEL_LABEL_SIZE || label.find('\0') != std::string::npos)
      throw Error("label '" + label + "' is longer than the " + std::to_string(TML_MODEL_LABEL_SIZE - 1) +
                  " bytes a model blob holds for a label; rename it");
}

const char* layer_kind_name(int kind) {
  switch (kind) {
    case TML_LAYER_FULLY_CONNECTED: return "fully_connected";
    case TML_LAYER_CONV1D: return "conv1d";
    case TML_LAYER_MAX_POOL1D: return "max_pool1d";
    case TML_LAYER_AVG_POOL1D: return "avg_pool1d";
    case TML_LAYER_GLOBAL_AVG_POOL1D: return "global_avg_pool1d";
    case TML_LAYER_SOFTMAX: return "softmax";
    case TML_LAYER_DEPTHWISE_CONV1D: return "depthwise_conv1d";
    default: return "unknown";
  }
}

void set_requantization(QuantizedLayer& layer, double input_scale, const std::vector<double>& weight_scales,
                        double output_scale) {
  if (!(input_scale > 0) || !(output_scale > 0)) fail("requantization needs positive input and output scales");
  layer.multiplier.assign(weight_scales.size(), 0);
  layer.shift.assign(weight_scales.size(), 0);
  for (size_t o = 0; o < weight_scales.size(); ++o) {
    if (!(weight_scales[o] >= 0) || !std::isfinite(weight_scales[o]))
      fail("weight scale " + std::to_string(o) + " is not a finite non-negative number");
    if (tml_quantize_multiplier(input_scale * weight_scales[o] / output_scale, &layer.multiplier[o], &layer.shift[o]) !=
        TML_OK)
      fail("requantization of channel " + std::to_string(o) + " is out of range");
  }
}

QuantizedLayer softmax_layer(double input_scale, double beta) {
  QuantizedLayer layer;
  layer.kind = TML_LAYER_SOFTMAX;
  if (tml_softmax_s8_exp_multiplier(beta * input_scale, &layer.exp_multiplier) != TML_OK)
    fail("softmax: beta * input scale = " + std::to_string(beta * input_scale) +
         " is outside what the int8 softmax supports (about 3.4e-7 .. 5.5)");
  layer.output_scale = TML_SOFTMAX_OUTPUT_SCALE;
  layer.output_zero_point = TML_SOFTMAX_OUTPUT_ZERO_POINT;
  return layer;
}

QuantizedLayer pooling_layer(tml_layer_kind kind, int size, int stride, int pad_left, int pad_right) {
  if (!keeps_quantization(kind)) fail(std::string("pooling_layer: ") + layer_kind_name(kind) + " is not a pooling kind");
  QuantizedLayer layer;
  layer.kind = kind;
  if (kind != TML_LAYER_GLOBAL_AVG_POOL1D) {
    layer.kernel_size = size;
    layer.stride = stride;
    layer.pad_left = pad_left;
    layer.pad_right = pad_right;
  }
  return layer;
}

namespace {

// The heads table: a class head over the first `classes` outputs (when there are any), then the value heads.
std::vector<uint8_t> heads_table(const std::vector<QuantizedValueHead>& values, size_t classes) {
  std::vector<tml_head> heads;
  auto head = [&](uint8_t kind, size_t first, size_t count, const std::string& name) {
    if (name.empty() || name.size() >= sizeof(tml_head::name)) fail("head name '" + name + "' is not 1 to 31 bytes");
    tml_head hd;
    std::memset(&hd, 0, sizeof hd);
    hd.kind = kind;
    hd.first = static_cast<uint16_t>(first);
    hd.count = static_cast<uint16_t>(count);
    std::memcpy(hd.name, name.data(), name.size());
    heads.push_back(hd);
  };
  if (classes) head(TML_HEAD_CLASSES, 0, classes, "class");
  for (size_t v = 0; v < values.size(); ++v) {
    if (!std::isfinite(values[v].mean) || !(values[v].std > 0) || !std::isfinite(values[v].std))
      fail("value head '" + values[v].name + "': mean and std must be finite, std positive");
    head(TML_HEAD_VALUE, classes + v, 1, values[v].name);
    heads.back().mean = values[v].mean;
    heads.back().std = values[v].std;
  }
  tml_heads_record r;
  std::memset(&r, 0, sizeof r);
  r.count = static_cast<uint8_t>(heads.size());
  r.record_size = sizeof r;
  r.size = static_cast<uint32_t>(sizeof r + heads.size() * sizeof(tml_head));
  r.head_size = sizeof(tml_head);
  std::vector<uint8_t> out(r.size);
  std::memcpy(out.data(), &r, sizeof r);
  std::memcpy(out.data() + sizeof r, heads.data(), heads.size() * sizeof(tml_head));
  return out;
}

}  // namespace

std::vector<uint8_t> write_model_blob(const QuantizedModel& model) {
  check_range("input_time", model.input_time, 1, 65535);
  check_range("input_channels", model.input_channels, 1, 65535);
  check_range("input_zero_point", model.input_zero_point, -128, 127);
  if (!(model.input_scale > 0.0f) || !std::isfinite(model.input_scale)) fail("input_scale must be > 0");
  if (model.layers.empty() && model.anomaly.empty()) fail("the model has no layers");
  if (model.layers.size() > TML_MODEL_MAX_LAYERS)
    fail("the model has " + std::to_string(model.layers.size()) + " layers, at most " +
         std::to_string(TML_MODEL_MAX_LAYERS) + " are supported");
  if (model.mean.size() != model.inv_std.size() ||
      (!model.mean.empty() && model.mean.size() != static_cast<size_t>(model.input_channels)))
    fail("normalisation needs one mean and one inv_std per input channel (" + std::to_string(model.input_channels) +
         "), or none");
  for (size_t c = 0; c < model.mean.size(); ++c)
    if (!std::isfinite(model.mean[c]) || !std::isfinite(model.inv_std[c]))
      fail("normalisation of channel " + std::to_string(c) + " is not finite");

  // Records, chaining shapes and quantization from the model input.
  std::vector<tml_layer_record> records;
  tml_dims shape = {model.input_time, model.input_channels};
  int zp = model.input_zero_point;
  float scale = model.input_scale;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    records.push_back(make_record(i, model.layers[i], shape, zp, scale));
    const tml_layer_record& r = records.back();
    shape = {r.out_time, r.out_channels};
    zp = r.output_zero_point;
    scale = r.output_scale;
  }
  const size_t V = model.values.size();
  if (V > TML_MODEL_MAX_HEADS - 1) fail("at most " + std::to_string(TML_MODEL_MAX_HEADS - 1) + " value heads");
  if (V > static_cast<size_t>(shape.channels))
    fail(std::to_string(V) + " value heads for " + std::to_string(shape.channels) + " outputs");
  const size_t classes = static_cast<size_t>(shape.channels) - V;
  if (!model.labels.empty() && model.labels.size() != classes)
    fail("there are " + std::to_string(model.labels.size()) + " labels for " + std::to_string(classes) +
         " class outputs");

  tml_model_header h;
  std::memset(&h, 0, sizeof h);
  h.magic = TML_MODEL_MAGIC;
  // The oldest version that holds the blob: without value heads a version-2 runner still reads it.
  h.version = V ? TML_MODEL_VERSION : 2;
  h.header_size = TML_MODEL_HEADER_SIZE;
  h.layer_count = static_cast<uint16_t>(records.size());
  h.layer_size = TML_MODEL_LAYER_SIZE;
  h.input_time = static_cast<uint16_t>(model.input_time);
  h.input_channels = static_cast<uint16_t>(model.input_channels);
  h.output_time = static_cast<uint16_t>(shape.time);
  h.output_channels = static_cast<uint16_t>(shape.channels);
  h.input_scale = model.input_scale;
  h.output_scale = scale;
  h.input_zero_point = static_cast<int8_t>(model.input_zero_point);
  h.output_zero_point = static_cast<int8_t>(zp);

  Writer w;
  w.append(&h, sizeof h);
  w.append(records.data(), records.size() * sizeof(tml_layer_record));  // rewritten below with offsets
  if (!model.labels.empty()) {
    std::vector<char> table(model.labels.size() * TML_MODEL_LABEL_SIZE, 0);
    check_blob_labels(model.labels);
    for (size_t i = 0; i < model.labels.size(); ++i)
      std::memcpy(table.data() + i * TML_MODEL_LABEL_SIZE, model.labels[i].data(), model.labels[i].size());
    h.labels_offset = w.append(table);
  }
  if (V) h.heads_offset = w.append(heads_table(model.values, classes));
  if (!model.mean.empty()) {
    std::vector<float> norm(model.mean);
    norm.insert(norm.end(), model.inv_std.begin(), model.inv_std.end());
    h.norm_offset = w.append(norm);
  }
  if (!model.features.empty()) {
    tml_features fe;
    std::vector<uint32_t> aligned((model.features.size() + 3) / 4);
    std::memcpy(aligned.data(), model.features.data(), model.features.size());
    if (tml_features_init(&fe, aligned.data(), model.features.size()) != TML_OK)
      fail("the front-end section is not valid (build it with audio_front_end_section or spectral_front_end_section)");
    const tml_audio_features_record& common = fe.record.audio;
    if (common.out_time != h.input_time || common.out_channels != h.input_channels)
      fail("the front end computes [" + std::to_string(common.out_time) + "][" + std::to_string(common.out_channels) +
           "] but the model input is [" + std::to_string(model.input_time) + "][" +
           std::to_string(model.input_channels) + "]");
    h.features_offset = w.append(model.features);
  }
  if (!model.anomaly.empty()) {
    tml_anomaly_record r;
    if (model.anomaly.size() < sizeof r) fail("the anomaly block is shorter than its record");
    std::memcpy(&r, model.anomaly.data(), sizeof r);
    if (r.dims != uint32_t(model.input_time) * uint32_t(model.input_channels))
      fail("the anomaly block scores " + std::to_string(r.dims) + " values but the model input has " +
           std::to_string(model.input_time * model.input_channels));
    if (model.layers.empty() && r.kind != TML_ANOMALY_KMEANS) fail("only a K-means anomaly block stands without layers");
    h.anomaly_offset = w.append(model.anomaly);
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const QuantizedLayer& layer = model.layers[i];
    tml_layer_record& r = records[i];
    if (has_parameters(layer.kind)) {
      r.weights_offset = w.append(layer.weights);
      r.bias_offset = w.append(layer.bias);
      r.multiplier_offset = w.append(layer.multiplier);
      r.shift_offset = w.append(layer.shift);
    } else if (layer.kind == TML_LAYER_SOFTMAX) {
      r.multiplier_offset = w.append(&layer.exp_multiplier, sizeof layer.exp_multiplier);
    }
  }
  while (w.bytes.size() % TML_MODEL_ALIGN) w.bytes.push_back(0);
  h.total_size = static_cast<uint32_t>(w.bytes.size());
  std::memcpy(w.bytes.data(), &h, sizeof h);
  if (!records.empty())  // a K-means detector may have no layers
    std::memcpy(w.bytes.data() + TML_MODEL_HEADER_SIZE, records.data(), records.size() * sizeof(tml_layer_record));

  // The firmware decides the rest: the arena plan, the hash, and whether the blob is valid at all.
  int rc = tml_model_plan(w.bytes.data(), w.bytes.size());
  tml_model check;
  if (rc == TML_OK) rc = tml_model_init(&check, w.bytes.data(), w.bytes.size());
  if (rc != TML_OK)
    fail(std::string("the runner rejects the model: ") + tml_status_str(rc) +
         " (a parameter is outside what the int8 kernels accept, e.g. a bias too large for the int32 "
         "accumulator, a multiplier or shift out of range)");
  return std::move(w.bytes);
}

}  // namespace tml::trainer
