// tml dataset info: what a dataset holds, per label and split, and what an interrupted write left behind.
#include <iostream>

#include "cli/command.h"
#include "dataset/summary.h"

namespace tml::cli {

using namespace tml::dataset;

int cmd_dataset_info(int argc, char** argv) {
  Parser p("dataset info",
           "Show a dataset: sensor, axes and units, rate, devices, samples and duration per label and split, and "
           "any orphan files an interrupted write left behind.",
           "tml dataset info gestures/\n"
           "tml dataset info gestures/ --json");
  p.options().add_options()("json", "Print machine-readable JSON")("dataset", "The dataset folder",
                                                                   cxxopts::value<std::string>());
  p.options().parse_positional({"dataset"});
  p.options().positional_help("DATASET");
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "dataset");
  const std::string dir = r["dataset"].as<std::string>();
  const Summary s = summarize(Dataset::open(dir), dir);
  if (r.count("json"))
    std::cout << summary_json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << format_summary(s);
  return 0;
}

}  // namespace tml::cli
