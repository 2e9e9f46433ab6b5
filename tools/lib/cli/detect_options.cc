#include "cli/detect_options.h"

#include <algorithm>
#include <cmath>

#include "tml/trainer/error.h"

namespace tml::cli {

void add_detect_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("average", "Detections: windows whose scores the board averages (default: the exported header's, 3)", cxxopts::value<int>())
    ("threshold", "Detections: averaged probability a class must reach (default: the header's, 0.6)", cxxopts::value<double>())
    ("suppression", "Detections: seconds after a detection in which no other is reported (default: the header's, 1)", cxxopts::value<double>());
  // clang-format on
}

std::optional<tml_detect_params> detect_options(const cxxopts::ParseResult& r,
                                                const std::optional<trainer::ExportedHeader>& model) {
  if (!r.count("average") && !r.count("threshold") && !r.count("suppression")) return std::nullopt;
  if (!model) throw UsageError("--average, --threshold and --suppression need --model");
  const trainer::HeaderInfo& h = model->info;
  const double hz = h.rate_millihz / 1000.0;
  tml_detect_params d{TML_DETECT_VERSION, static_cast<uint8_t>(h.detect_average), static_cast<uint8_t>(h.detect_threshold),
                      0, h.detect_suppression, h.detect_ignore};
  if (r.count("average")) d.average = static_cast<uint8_t>(std::clamp(r["average"].as<int>(), 0, 255));
  if (r.count("threshold"))
    d.threshold = static_cast<uint8_t>(std::clamp(std::lround(r["threshold"].as<double>() * 256), 0L, 255L));
  if (r.count("suppression")) d.suppression = static_cast<uint32_t>(std::max(0.0, r["suppression"].as<double>()) * hz);
  return d;
}

}  // namespace tml::cli
