#include "formats/resample_import.h"

#include <cmath>

#include "tml/trainer/error.h"
#include "tml/trainer/resample.h"

namespace tml::dataset {

void resample_import(ImportSet& set, double rate_hz) {
  if (!(std::isfinite(rate_hz) && rate_hz > 0)) throw UsageError("--resample must be a positive number of Hz");
  const double from = set.meta.rate_hz;
  if (from == rate_hz) return;
  const bool i16 = set.meta.sample_format == "i16";
  const int axes = static_cast<int>(set.meta.axes.size());
  for (auto& s : set.samples) {
    try {
      s.values = trainer::resample(s.values, axes, from, rate_hz);
    } catch (const Error& e) {
      throw Error(s.origin + ": " + e.what());
    }
    if (i16)
      for (float& v : s.values) v = std::fmin(32767.0f, std::fmax(-32768.0f, std::nearbyint(v)));
  }
  set.meta.rate_hz = rate_hz;
}

}  // namespace tml::dataset
