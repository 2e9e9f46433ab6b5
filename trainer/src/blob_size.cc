#include "tml/trainer/blob_size.h"

#include <cstring>

#include "tml/trainer/blob.h"
#include "tml/trainer/blob_writer.h"

namespace tml::trainer {
namespace {

uint32_t align4(uint64_t n) { return static_cast<uint32_t>((n + 3) / 4 * 4); }

}  // namespace

uint32_t ModelSize::parameter_bytes() const {
  uint32_t n = 0;
  for (const auto& l : layers) n += l.weight_bytes + l.bias_bytes + l.requant_bytes;
  return n;
}

uint32_t ModelSize::descriptor_bytes() const { return flash_bytes - parameter_bytes(); }

ModelSize model_size(const std::vector<uint8_t>& blob) {
  const Blob b(blob);
  const tml_model& m = b.model();
  const tml_model_header& h = b.header();
  ModelSize out;
  out.header_bytes = TML_MODEL_HEADER_SIZE;
  out.labels_bytes = h.labels_offset ? tml_model_class_count(&m) * TML_MODEL_LABEL_SIZE : 0;
  out.normalization_bytes = h.norm_offset ? 8u * h.input_channels : 0;
  out.front_end_bytes = h.features_offset ? m.features.record.audio.size : 0;  // size: common to every kind
  if (h.heads_offset) {
    tml_heads_record heads;
    std::memcpy(&heads, b.data() + h.heads_offset, sizeof heads);
    out.heads_bytes = heads.size;
  }
  out.anomaly_bytes = h.anomaly_offset ? m.anomaly.record.size : 0;
  out.flash_bytes = h.total_size;
  out.arena_bytes = h.arena_size;
  uint32_t used = out.header_bytes + out.labels_bytes + out.normalization_bytes + out.front_end_bytes +
                  out.heads_bytes + out.anomaly_bytes;
  for (uint32_t i = 0; i < h.layer_count; ++i) {
    LayerSize l;
    tml_model_layer(&m, i, &l.record);
    const tml_layer_record& r = l.record;
    const uint64_t in = uint64_t{r.in_time} * r.in_channels, out_n = uint64_t{r.out_time} * r.out_channels;
    l.record_bytes = TML_MODEL_LAYER_SIZE;
    l.input_bytes = align4(in);
    l.output_bytes = align4(out_n);
    l.scratch_bytes = align4(r.scratch_size);
    if (has_parameters(r.kind)) {
      const uint64_t units = r.out_channels;
      const uint64_t dot = r.kind == TML_LAYER_CONV1D             ? uint64_t{r.kernel_size} * r.in_channels
                           : r.kind == TML_LAYER_DEPTHWISE_CONV1D ? uint64_t{r.kernel_size}
                                                                  : in;
      l.weight_bytes = static_cast<uint32_t>(units * dot);
      l.bias_bytes = r.bias_offset ? static_cast<uint32_t>(4 * units) : 0;
      l.requant_bytes = static_cast<uint32_t>(8 * units);
      l.params = static_cast<int64_t>(units * dot + (r.bias_offset ? units : 0));
      uint64_t steps = 1;
      if (r.kind == TML_LAYER_CONV1D || r.kind == TML_LAYER_DEPTHWISE_CONV1D)
        steps = (uint64_t{r.in_time} + r.pad_left + r.pad_right - r.kernel_size) / r.stride + 1;
      l.macs = static_cast<int64_t>(steps * units * dot);
    } else if (r.kind == TML_LAYER_SOFTMAX) {
      l.requant_bytes = 4;
    }
    used += l.flash_bytes();
    out.params += l.params;
    out.macs += l.macs;
    out.layers.push_back(l);
  }
  out.padding_bytes = out.flash_bytes - used;
  return out;
}

}  // namespace tml::trainer
