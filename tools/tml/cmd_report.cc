// tml report: one self-contained HTML page about a dataset, a model and how it runs on the board.
#include <iostream>

#include "cli/command.h"
#include "report/collect.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::cli {

int cmd_report(int argc, char** argv) {
  Parser p("report",
           "Write one HTML file (inline SVG, no external files, opens offline) with the dataset overview and an "
           "example trace per label, the training curves, float and int8 confusion matrices and per-class "
           "figures on the test split, the per-layer table (shape, parameters, MACs, flash, RAM) and the board's "
           "figures from a tml run --json file.",
           "tml report --dataset gestures/ --model gestures.q.model --out report.html\n"
           "tml report --dataset gestures/ --model gestures.q.model --run run.json --out report.html\n"
           "tml report --dataset gestures/ --model gestures.q.model --run run.json --summary");
  // clang-format off
  p.options().add_options()
    ("dataset", "Dataset folder", cxxopts::value<std::string>())
    ("model", "Model file: quantized (tml quantize) or float (tml train)", cxxopts::value<std::string>())
    ("run", "JSON written by tml run --json (the board's figures)", cxxopts::value<std::string>())
    ("out", "HTML file to write", cxxopts::value<std::string>()->default_value("report.html"))
    ("summary", "Print the headline figures instead of writing the HTML file");
  // clang-format on
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "dataset");
  Parser::require(r, "model");
  report::Sources s;
  s.dataset = r["dataset"].as<std::string>();
  s.model = r["model"].as<std::string>();
  if (r.count("run")) s.run = std::filesystem::path(r["run"].as<std::string>());
  const report::ReportData data = report::collect(s);
  if (r.count("summary")) {
    std::cout << report::render_summary(data);
    return 0;
  }
  const std::string html = report::render_html(data);
  const std::filesystem::path out = r["out"].as<std::string>();
  write_file_atomic(out, html);
  std::cout << "Wrote " << out.string() << " (" << html.size() / 1024 << " KB)\n";
  return 0;
}

}  // namespace tml::cli
