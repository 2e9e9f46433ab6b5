// tml dataset import: Edge Impulse JSON, CSV or WAV recordings into a dataset, checked whole before a byte is written.
#include <iostream>
#include <map>

#include "cli/command.h"
#include "dataset/csv_text.h"
#include "formats/resample_import.h"
#include "formats/transfer.h"

namespace tml::cli {

using namespace tml::dataset;

int cmd_dataset_import(int argc, char** argv) {
  Parser p("dataset import",
           "Import recordings into a dataset (created if absent): an Edge Impulse export folder (info.labels) or "
           "data acquisition JSON files, CSV files, or 16-bit PCM mono WAV files. The whole input is checked "
           "before anything is written; a bad file leaves the dataset as it was.",
           "tml dataset import datasets/gestures-ei --dataset gestures/\n"
           "tml dataset import datasets/kws-mini --dataset kws/\n"
           "tml dataset import datasets/gestures-ei --dataset gestures100/ --resample 100   # for the Wio Terminal\n"
           "tml dataset import walk.csv --format csv --label walk --rate 100 --dataset motion/\n"
           "tml dataset import readings/ --format csv --label station --target-column rain_mm --dataset weather/");
  p.options().add_options()("dataset", "The dataset folder to add to (required)", cxxopts::value<std::string>())(
      "format", "Input format: ei, csv or wav (default: from the files)", cxxopts::value<std::string>())(
      "label", "Give every sample this label (default: from the input)", cxxopts::value<std::string>())(
      "rate", "CSV only: sample rate in Hz (default: from a timestamp column)", cxxopts::value<double>())(
      "split", "Put every sample in this split: train or test (default: from the input, else by hash)",
      cxxopts::value<std::string>())("input", "File or folder to import", cxxopts::value<std::string>())(
      "target-column",
      "A column that is a numeric target (regression), kept in the samples but out of a model's inputs; "
      "repeat for several (e.g. --target-column rain_mm)",
      cxxopts::value<std::vector<std::string>>())(
      "resample",
      "Resample every recording to this rate in Hz first (windowed-sinc low-pass, no aliasing): N rows become "
      "floor((N - 1) * new / old) + 1",
      cxxopts::value<double>());
  p.options().parse_positional({"input"});
  p.options().positional_help("INPUT");
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "input");
  Parser::require(r, "dataset");
  ImportOptions opt;
  if (r.count("format")) opt.format = parse_format(r["format"].as<std::string>());
  if (r.count("label")) {
    opt.label = r["label"].as<std::string>();
    validate_label(opt.label);  // an empty --label too: the options give no "no label"
  }
  if (r.count("rate")) opt.rate_hz = r["rate"].as<double>();
  if (r.count("split")) opt.split = r["split"].as<std::string>();
  if (r.count("target-column")) opt.target_columns = r["target-column"].as<std::vector<std::string>>();
  const std::string input = r["input"].as<std::string>();
  const std::string dir = r["dataset"].as<std::string>();

  ImportSet set = read_import(input, opt);
  const double rate_read = set.meta.rate_hz;
  if (r.count("resample")) resample_import(set, r["resample"].as<double>());
  bool created = false;
  const auto added = import_into(dir, set, &created);
  std::map<std::string, size_t> per_label;
  size_t test = 0;
  for (const auto& s : added) {
    per_label[s.label]++;
    test += s.split == "test";
  }
  std::string labels;
  for (const auto& [name, n] : per_label) labels += (labels.empty() ? "" : ", ") + name + " " + std::to_string(n);
  std::cout << "Imported " << added.size() << (added.size() == 1 ? " sample (" : " samples (") << added.size() - test
            << " train, " << test << " test) from " << input << " (" << format_title(set.format) << ") into "
            << (created ? "the new dataset " : "") << dir << "\n"
            << "  " << describe(set.meta)
            << (set.meta.rate_hz != rate_read ? " (resampled from " + format_double(rate_read) + " Hz)" : "") << "\n"
            << "  labels: " << labels << "\n";
  return 0;
}

}  // namespace tml::cli
