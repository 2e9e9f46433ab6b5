#include <cmath>
#include <cstdio>

#include "report/report.h"
#include "report/svg.h"
#include "tml/trainer/format.h"

namespace tml::report {

std::string render_summary(const ReportData& d) {
  auto pct = [](double v) { return format("%.1f %%", 100 * v); };
  int train = 0, test = 0;
  for (const auto& [l, c] : d.counts) train += c.first, test += c.second;
  std::string s;
  const std::string rate = format("%g", d.rate_hz);
  s += "Dataset   " + d.dataset + ": " + std::to_string(train + test) + " samples (" + std::to_string(train) + " train, " +
       std::to_string(test) + " test), " + std::to_string(d.labels.size()) + " labels, " + d.sensor + " at " + rate + " Hz\n";
  if (!d.evaluations.empty()) {
    s += "Accuracy  ";
    for (size_t i = 0; i < d.evaluations.size(); ++i)
      s += (i ? ", " : "") + d.evaluations[i].name + " " + pct(d.evaluations[i].accuracy);
    if (d.board && d.board->accuracy) s += ", on the board " + pct(*d.board->accuracy);
    s += " (test split, " + std::to_string(d.evaluations[0].windows) + " windows)\n";
  }
  if (!d.layers.empty())
    s += "Model     flash " + thousands(d.flash_total) + " bytes (weights and descriptor), RAM " + thousands(d.ram_total) +
         " bytes (the whole arena, exact)\n";
  if (d.board) {
    const Board& b = *d.board;
    s += "Board     " + b.device + ": " + std::to_string(b.predictions) + " predictions";
    if (b.checked) s += ", " + std::to_string(b.identical) + " of " + std::to_string(b.checked) + " identical to the host, bit for bit";
    s += "\nCost      " + thousands(std::lround(b.mean_cost)) + " " + b.cost_unit + " per inference (mean; min " +
         thousands(std::lround(b.min_cost)) + ", max " + thousands(std::lround(b.max_cost)) + ")\n";
  }
  return s;
}

}  // namespace tml::report
