// tml dataset info: what a dataset holds, per label and split, and what an interrupted write left behind.
#include <iostream>

#include "cli/command.h"
#include "dataset/summary.h"

namespace tml::cli {

using namespace tml::dataset;

int cmd_dataset_info(int argc, char** argv) {
  Parser p("dataset info",
           "Show a dataset: sensor, axes and units, rate, devices, samples and duration per label and split, and "
           "any orphan files (files under data/ that no manifest entry names). With --check, also read every "
           "sample file as training does and report each one that is damaged (exit status 1).",
           "tml dataset info gestures/\n"
           "tml dataset info gestures/ --json\n"
           "tml dataset info gestures/ --check");
  p.options().add_options()("json", "Print machine-readable JSON")(
      "check", "Also read every sample file: row counts, columns, finite values; exit 1 if any is damaged")(
      "dataset", "The dataset folder", cxxopts::value<std::string>());
  p.options().parse_positional({"dataset"});
  p.options().positional_help("DATASET");
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "dataset");
  const std::string dir = r["dataset"].as<std::string>();
  const Dataset d = Dataset::open(dir);
  const Summary s = summarize(d, dir);
  if (r.count("json"))
    std::cout << summary_json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << format_summary(s);
  if (!r.count("check")) return 0;
  const CheckResult c = check_samples(d);
  (r.count("json") ? std::cerr : std::cout) << format_check(c);
  return c.problems.empty() ? 0 : 1;
}

}  // namespace tml::cli
