// The printed and JSON reports of quantizing and exporting: float vs int8 per layer and per class, and flash
// and RAM per layer (`tml quantize`, `tml export`, `tml train --header`; docs/quantization.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/quantize_run.h"
#include "tml/trainer/blob_size.h"

namespace tml::pipeline {

// "Float 0.9730, int8 0.9706 (-0.24 points); same class on 99.5 % of 408 test windows", then the per-layer
// table, the per-class table and both confusion matrices.
std::string format_quantize_report(const QuantizeRun& run);

// Flash and RAM per layer and in total. `names` gives each layer's name (may be empty).
std::string format_size_report(const trainer::ModelSize& size, const std::vector<std::string>& names);

// {"layers": [...per layer: index, name, kind, input, output, params, macs, flash {...}, ram {...}],
//  "flash": {...}, "ram": {...}, "params", "macs"} (docs/quantization.md).
nlohmann::json size_json(const trainer::ModelSize& size, const std::vector<std::string>& names);

// The `tml quantize --json` report (docs/quantization.md).
nlohmann::json quantize_json(const QuantizeRun& run);

}  // namespace tml::pipeline
