// tml dataset export: a dataset as Edge Impulse JSON, CSV or WAV files.
#include <iostream>

#include "cli/command.h"
#include "formats/transfer.h"

namespace tml::cli {

using namespace tml::dataset;

int cmd_dataset_export(int argc, char** argv) {
  Parser p("dataset export",
           "Export a dataset: ei writes Edge Impulse data acquisition JSON (training/, testing/, info.labels) that "
           "Edge Impulse Studio and its uploader accept; csv writes one CSV per sample plus manifest.csv; wav writes "
           "16-bit WAV files plus manifest.csv (microphone datasets).",
           "tml dataset export gestures/ --format ei --out gestures-ei/\n"
           "tml dataset export kws/ --format wav --out kws-wav/");
  p.options().add_options()("format", "Output format: ei, csv or wav (required)", cxxopts::value<std::string>())(
      "out", "A new (or empty) folder to write to (required)", cxxopts::value<std::string>())(
      "dataset", "The dataset folder", cxxopts::value<std::string>());
  p.options().parse_positional({"dataset"});
  p.options().positional_help("DATASET");
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  for (const char* o : {"dataset", "format", "out"}) Parser::require(r, o);
  const Format f = parse_format(r["format"].as<std::string>());
  const Dataset d = Dataset::open(r["dataset"].as<std::string>());
  const std::string out = r["out"].as<std::string>();
  export_dataset(d, f, out);
  std::cout << "Exported " << d.samples().size() << " samples of " << r["dataset"].as<std::string>() << " to " << out
            << " (" << format_title(f) << ")\n";
  return 0;
}

}  // namespace tml::cli
