#include "pipeline/quantize_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pipeline/json_report.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/format.h"

namespace tml::pipeline {
namespace {

std::string shape(int time, int channels) {
  return time == 1 ? "[" + std::to_string(channels) + "]" : "[" + std::to_string(time) + "][" + std::to_string(channels) + "]";
}

nlohmann::json shape_json(int time, int channels) {
  return time == 1 ? nlohmann::json::array({channels}) : nlohmann::json::array({time, channels});
}

std::string clip(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 1) + "~"; }

std::string confusion(const trainer::Metrics& m, const std::string& title) {
  std::string o = title + " (rows: true label, columns: predicted)\n";
  size_t w = 6;
  for (const auto& c : m.per_class) w = std::max(w, std::min<size_t>(c.label.size(), 12));
  o += "  " + std::string(w, ' ');
  for (const auto& c : m.per_class) o += format(" %*s", static_cast<int>(w), clip(c.label, 12).c_str());
  o += "\n";
  for (size_t t = 0; t < m.confusion.size(); ++t) {
    o += format("  %-*s", static_cast<int>(w), clip(m.per_class[t].label, 12).c_str());
    for (int64_t v : m.confusion[t]) o += format(" %*lld", static_cast<int>(w), static_cast<long long>(v));
    o += "\n";
  }
  return o;
}

nlohmann::json range_json(const trainer::Range& r) { return nlohmann::json::array({r.min, r.max}); }

}  // namespace

std::string format_quantize_report(const QuantizeRun& run) {
  const trainer::Comparison& c = run.comparison;
  const trainer::Metrics& f = c.float_metrics;
  const trainer::Metrics& q = c.int8_metrics;
  std::string o;
  if (f.has_classes)
    o += format("Accuracy on %lld %s windows: float %.4f, int8 %.4f (%+.2f points); the same class for %.2f %% of the windows\n",
                static_cast<long long>(q.count), run.eval_split.c_str(), f.accuracy, q.accuracy,
                100.0 * (q.accuracy - f.accuracy), 100.0 * c.agreement);
  for (size_t v = 0; v < f.values.size(); ++v) {
    const trainer::ValueMetrics& a = f.values[v];
    const trainer::ValueMetrics& b = q.values[v];
    const double range = a.truth_max - a.truth_min;
    o += format("Value '%s' on %lld %s windows: MAE float %.4g, int8 %.4g (%+.4g, %+.2f %% of the true range %.4g); "
                "RMSE %.4g / %.4g; R2 %.4f / %.4f\n",
                a.name.c_str(), static_cast<long long>(a.count), run.eval_split.c_str(), a.mae, b.mae, b.mae - a.mae,
                range > 0 ? 100.0 * (b.mae - a.mae) / range : 0.0, range, a.rmse, b.rmse, a.r2, b.r2);
  }
  const trainer::Calibration& cal = run.result.calibration;
  o += format("Calibrated on %lld training windows (%s", static_cast<long long>(cal.windows),
           trainer::calibration_method_name(cal.options.method));
  if (cal.options.method == trainer::CalibrationMethod::Percentile) o += format(" %g", cal.options.percentile);
  o += format("); input range [%.4g, %.4g], scale %.6g, zero point %d\n\n", cal.input.min, cal.input.max,
           static_cast<double>(run.result.input.scale), run.result.input.zero_point);

  o += "Per int8 layer: float activations against the int8 ones (dequantized), on the same windows\n";
  o += format("  %-2s %-31s %-10s %10s %5s %21s %10s %10s %8s %8s\n", "#", "layer", "output", "scale", "zp",
           "calibrated range", "max |err|", "rms err", "SQNR dB", "clipped");
  for (size_t j = 0; j < run.result.folded.layers.size(); ++j) {
    const trainer::FusedLayer& fl = run.result.folded.layers[j];
    const tml_layer_record& r = run.size.layers[j].record;
    const trainer::LayerError& e = c.layers[j];
    const bool calibrated = trainer::has_parameters(fl.kind);
    const std::string range = calibrated                      ? format("[%.4g, %.4g]", cal.outputs[j].min, cal.outputs[j].max)
                              : fl.kind == TML_LAYER_SOFTMAX ? std::string("(fixed: 0 to 1)")
                                                             : std::string("(its input's)");
    o += format("  %-2zu %-31s %-10s %10.4g %5d %21s %10.4g %10.4g %8.1f %7.2f%%\n", j + 1, clip(fl.name, 31).c_str(),
             shape(r.out_time, r.out_channels).c_str(), static_cast<double>(r.output_scale), r.output_zero_point,
             range.c_str(), e.max_abs, e.rms, e.sqnr_db, 100.0 * e.clipped);
  }

  if (!f.has_classes) return o;
  o += "\nPer class (" + run.eval_split + " windows)     precision          recall              F1\n";
  o += format("  %-14s %7s   %7s %7s   %7s %7s   %7s %7s\n", "label", "support", "float", "int8", "float", "int8", "float",
           "int8");
  for (size_t k = 0; k < f.per_class.size(); ++k) {
    const auto& a = f.per_class[k];
    const auto& b = q.per_class[k];
    o += format("  %-14s %7lld   %7.3f %7.3f   %7.3f %7.3f   %7.3f %7.3f\n", clip(a.label, 14).c_str(),
             static_cast<long long>(a.support), a.precision, b.precision, a.recall, b.recall, a.f1, b.f1);
  }
  o += format("  %-14s %7s   %7s %7s   %7s %7s   %7.3f %7.3f\n", "macro", "", "", "", "", "", f.macro_f1, q.macro_f1);
  o += "\n" + confusion(f, "Confusion matrix, float") + "\n" + confusion(q, "Confusion matrix, int8");
  return o;
}

std::string format_size_report(const trainer::ModelSize& size, const std::vector<std::string>& names) {
  std::string o;
  o += format("  %-2s %-31s %-9s %7s %8s | %7s %6s %7s %6s %6s | %6s %6s %7s %6s\n", "#", "layer", "output", "params",
           "MACs", "weights", "bias", "requant", "record", "flash", "input", "output", "scratch", "RAM");
  uint32_t weights = 0, bias = 0, requant = 0, records = 0;
  for (size_t i = 0; i < size.layers.size(); ++i) {
    const trainer::LayerSize& l = size.layers[i];
    const std::string name = i < names.size() ? names[i] : trainer::layer_kind_name(l.record.kind);
    o += format("  %-2zu %-31s %-9s %7lld %8lld | %7u %6u %7u %6u %6u | %6u %6u %7u %6u\n", i + 1, clip(name, 31).c_str(),
             shape(l.record.out_time, l.record.out_channels).c_str(), static_cast<long long>(l.params),
             static_cast<long long>(l.macs), l.weight_bytes, l.bias_bytes, l.requant_bytes, l.record_bytes,
             l.flash_bytes(), l.input_bytes, l.output_bytes, l.scratch_bytes, l.ram_bytes());
    weights += l.weight_bytes;
    bias += l.bias_bytes;
    requant += l.requant_bytes;
    records += l.record_bytes;
  }
  const uint32_t rest = size.header_bytes + size.labels_bytes + size.normalization_bytes + size.front_end_bytes +
                        size.heads_bytes + size.anomaly_bytes + size.padding_bytes;
  o += format("     %-58s | %29s %6u |\n",
              size.front_end_bytes ? "model header, labels, normalisation, front end" : "model header, labels, normalisation",
              "", rest);
  o += format("     %-31s %-9s %7lld %8lld | %7u %6u %7u %6u %6u | %-21s %6u\n", "total", "",
           static_cast<long long>(size.params), static_cast<long long>(size.macs), weights, bias, requant, records,
           size.flash_bytes, "arena: largest layer", size.arena_bytes);
  uint32_t scratch = 0;
  for (const auto& l : size.layers) scratch = std::max(scratch, l.scratch_bytes);
  o += format("Flash: %u bytes = weights, biases and requantization %u + descriptor %u (model header %u, layer records "
           "%u, labels %u, normalisation %u, %s%s%salignment %u)\n",
           size.flash_bytes, size.parameter_bytes(), size.descriptor_bytes(), size.header_bytes, records,
           size.labels_bytes, size.normalization_bytes,
           size.front_end_bytes ? format("front-end tables %u, ", size.front_end_bytes).c_str() : "",
           size.heads_bytes ? format("output heads %u, ", size.heads_bytes).c_str() : "",
           size.anomaly_bytes ? format("anomaly block %u, ", size.anomaly_bytes).c_str() : "", size.padding_bytes);
  o += format("RAM:   %u bytes = the arena, which holds every activation and the kernels' scratch (%u bytes at most with "
           "this build's kernels); nothing else is allocated\n",
           size.arena_bytes, scratch);
  return o;
}

nlohmann::json size_json(const trainer::ModelSize& size, const std::vector<std::string>& names) {
  nlohmann::json layers = nlohmann::json::array();
  uint32_t scratch = 0;
  for (size_t i = 0; i < size.layers.size(); ++i) {
    const trainer::LayerSize& l = size.layers[i];
    scratch = std::max(scratch, l.scratch_bytes);
    layers.push_back({{"index", i + 1},
                      {"name", i < names.size() ? names[i] : std::string(trainer::layer_kind_name(l.record.kind))},
                      {"kind", trainer::layer_kind_name(l.record.kind)},
                      {"input", shape_json(l.record.in_time, l.record.in_channels)},
                      {"output", shape_json(l.record.out_time, l.record.out_channels)},
                      {"params", l.params},
                      {"macs", l.macs},
                      {"flash",
                       {{"weights", l.weight_bytes},
                        {"bias", l.bias_bytes},
                        {"requant", l.requant_bytes},
                        {"record", l.record_bytes},
                        {"total", l.flash_bytes()}}},
                      {"ram",
                       {{"input", l.input_bytes},
                        {"output", l.output_bytes},
                        {"scratch", l.scratch_bytes},
                        {"total", l.ram_bytes()}}}});
  }
  return {{"layers", layers},
          {"params", size.params},
          {"macs", size.macs},
          {"flash",
           {{"total", size.flash_bytes},
            {"parameters", size.parameter_bytes()},
            {"descriptor", size.descriptor_bytes()},
            {"header", size.header_bytes},
            {"labels", size.labels_bytes},
            {"normalization", size.normalization_bytes},
            {"front_end", size.front_end_bytes},
            {"padding", size.padding_bytes}}},
          {"ram", {{"arena", size.arena_bytes}, {"largest_scratch", scratch}, {"scratch_in_arena", true}}}};
}

nlohmann::json quantize_json(const QuantizeRun& run) {
  const trainer::QModel& q = run.qmodel;
  const trainer::Calibration& cal = run.result.calibration;
  const std::vector<std::string> names = layer_names(q, run.size);
  nlohmann::json size = size_json(run.size, names);
  nlohmann::json& layers = size["layers"];
  for (size_t j = 0; j < layers.size(); ++j) {
    const trainer::FusedLayer& fl = run.result.folded.layers[j];
    const trainer::LayerError& e = run.comparison.layers[j];
    const tml_layer_record& r = run.size.layers[j].record;
    nlohmann::json quant = {{"scale", shortest(r.output_scale)}, {"zero_point", r.output_zero_point},
                            {"relu", fl.relu}};
    if (trainer::has_parameters(fl.kind)) {
      quant["range"] = range_json(cal.outputs[j]);
      quant["seen"] = range_json(cal.outputs_seen[j]);
    }
    layers[j]["from"] = fl.description;
    layers[j]["source_layers"] = fl.sources;
    layers[j]["quantization"] = quant;
    layers[j]["error"] = {{"max_abs", e.max_abs},
                          {"rms", e.rms},
                          {"sqnr_db", e.sqnr_db},
                          {"clipped", e.clipped},
                          {"float_range", range_json(e.seen)}};
  }
  nlohmann::json calibration = {{"method", trainer::calibration_method_name(cal.options.method)}};
  if (cal.options.method == trainer::CalibrationMethod::Percentile) calibration["percentile"] = cal.options.percentile;
  calibration["split"] = "train";
  calibration["windows"] = cal.windows;
  calibration["input"] = {{"range", range_json(cal.input)},
                          {"seen", range_json(cal.input_seen)},
                          {"scale", shortest(run.result.input.scale)},
                          {"zero_point", run.result.input.zero_point}};
  return {{"model", q.source_model},
          {"dataset", q.dataset},
          {"architecture", q.architecture},
          {"labels", q.labels},
          {"window", q.window},
          {"stride", q.stride},
          {"rate_hz", q.rate_hz},
          {"calibration", calibration},
          {"evaluation", {{"split", run.eval_split}, {"windows", run.comparison.int8_metrics.count}}},
          {"float", metrics_json(run.comparison.float_metrics)},
          {"int8", metrics_json(run.comparison.int8_metrics)},
          {"agreement", run.comparison.agreement},
          {"layers", layers},
          {"params", size["params"]},
          {"macs", size["macs"]},
          {"flash", size["flash"]},
          {"ram", size["ram"]}};
}

}  // namespace tml::pipeline
