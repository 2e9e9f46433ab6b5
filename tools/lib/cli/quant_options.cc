#include "cli/quant_options.h"

#include "tml/trainer/error.h"

namespace tml::cli {

void add_calibration_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("calibration", "Activation ranges for int8: minmax (smallest and largest value seen on the training windows) or percentile", cxxopts::value<std::string>()->default_value("minmax"))
    ("percentile", "With --calibration percentile: each tensor's range runs from the (100 - p)-th to the p-th percentile of its values; the rest saturate", cxxopts::value<double>()->default_value("99.99"));
  // clang-format on
}

trainer::CalibrationOptions calibration_options(const cxxopts::ParseResult& r) {
  trainer::CalibrationOptions o;
  const std::string method = r["calibration"].as<std::string>();
  if (method == "percentile")
    o.method = trainer::CalibrationMethod::Percentile;
  else if (method != "minmax")
    throw UsageError("--calibration must be minmax or percentile");
  o.percentile = r["percentile"].as<double>();
  if (!(o.percentile > 50 && o.percentile <= 100))
    throw UsageError("--percentile must be above 50 and at most 100, e.g. 99.99");
  if (r.count("percentile") && o.method != trainer::CalibrationMethod::Percentile)
    throw UsageError("--percentile needs --calibration percentile");
  return o;
}

}  // namespace tml::cli
