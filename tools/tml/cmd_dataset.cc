// tml dataset: inspect a dataset, import recordings into it, export it to other formats.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "dataset/csv_text.h"
#include "dataset/dataset.h"
#include "formats/transfer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::cli {
namespace {

using namespace tml::dataset;

const char* const kExamples =
    "tml dataset info gestures/\n"
    "tml dataset import datasets/gestures-ei --dataset gestures/\n"
    "tml dataset export gestures/ --format ei --out gestures-ei/";

std::string seconds_text(double seconds) { return format("%.1f s", seconds); }

std::string duration_text(double seconds) {
  return seconds < 120 ? seconds_text(seconds) : seconds_text(seconds) + format(" (%.1f min)", seconds / 60);
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' '); }
std::string rpad(const std::string& s, size_t width) { return s.size() >= width ? " " + s : std::string(width - s.size(), ' ') + s; }

// ---- info -----------------------------------------------------------------------------------------

struct LabelStats {
  size_t train = 0, test = 0, rows = 0;
};

int cmd_info(int argc, char** argv) {
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
  const Dataset d = Dataset::open(dir);
  const Meta& m = d.meta();

  std::map<std::string, LabelStats> labels;
  std::map<std::string, size_t> devices, sources;
  size_t train = 0, test = 0, rows = 0, min_rows = SIZE_MAX, max_rows = 0;
  for (const auto& s : d.samples()) {
    auto& l = labels[s.label];
    (s.split == "test" ? l.test : l.train)++;
    (s.split == "test" ? test : train)++;
    l.rows += s.rows;
    rows += s.rows;
    min_rows = std::min(min_rows, s.rows);
    max_rows = std::max(max_rows, s.rows);
    devices[s.device.empty() ? "(not recorded)" : s.device]++;
    sources[s.source]++;
  }
  if (d.samples().empty()) min_rows = 0;
  const auto orphans = d.orphans();
  const auto missing = d.missing();

  if (r.count("json")) {
    nlohmann::ordered_json j;
    j["dataset"] = dir;
    j["sensor"] = m.sensor;
    j["axes"] = nlohmann::ordered_json::array();
    for (const auto& a : m.axes) j["axes"].push_back({{"name", a.name}, {"unit", a.unit}});
    j["rate_hz"] = m.rate_hz;
    j["sample_format"] = m.sample_format;
    j["test_percent"] = m.test_percent;
    j["samples"] = d.samples().size();
    j["train"] = train;
    j["test"] = test;
    j["rows"] = rows;
    j["min_rows"] = min_rows;
    j["max_rows"] = max_rows;
    j["duration_s"] = static_cast<double>(rows) / m.rate_hz;
    j["labels"] = nlohmann::ordered_json::array();
    for (const auto& [name, l] : labels)
      j["labels"].push_back({{"label", name},
                             {"train", l.train},
                             {"test", l.test},
                             {"samples", l.train + l.test},
                             {"rows", l.rows},
                             {"duration_s", static_cast<double>(l.rows) / m.rate_hz}});
    j["devices"] = nlohmann::ordered_json::array();
    for (const auto& [name, n] : devices) j["devices"].push_back({{"device", name}, {"samples", n}});
    j["sources"] = nlohmann::ordered_json::array();
    for (const auto& [name, n] : sources) j["sources"].push_back({{"source", name}, {"samples", n}});
    j["orphans"] = orphans;
    j["missing"] = nlohmann::ordered_json::array();
    for (const auto& s : missing) j["missing"].push_back(s.file);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }

  std::string axes;
  for (const auto& a : m.axes) axes += (axes.empty() ? "" : ", ") + a.name + (a.unit.empty() ? "" : " (" + a.unit + ")");
  std::cout << "Dataset " << dir << "\n";
  std::cout << "  sensor    " << m.sensor << "\n";
  std::cout << "  axes      " << axes << "\n";
  std::cout << "  rate      " << format_double(m.rate_hz) << " Hz, " << m.sample_format << " samples\n";
  std::cout << "  samples   " << d.samples().size() << " (" << train << " train, " << test << " test), "
            << duration_text(static_cast<double>(rows) / m.rate_hz) << " in all, ";
  if (min_rows == max_rows)
    std::cout << min_rows << " rows each\n";
  else
    std::cout << min_rows << " to " << max_rows << " rows\n";
  std::cout << "  devices   ";
  bool first = true;
  for (const auto& [name, n] : devices) {
    std::cout << (first ? "" : "; ") << name << " (" << n << ")";
    first = false;
  }
  std::cout << (devices.empty() ? "none\n" : "\n");
  if (!labels.empty()) {
    size_t w = 8;
    for (const auto& [name, l] : labels) w = std::max(w, name.size() + 2);
    std::cout << "\n  " << pad("label", w) << rpad("train", 6) << rpad("test", 6) << rpad("total", 7)
              << rpad("duration", 12) << "\n";
    for (const auto& [name, l] : labels)
      std::cout << "  " << pad(name, w) << rpad(std::to_string(l.train), 6) << rpad(std::to_string(l.test), 6)
                << rpad(std::to_string(l.train + l.test), 7)
                << rpad(seconds_text(static_cast<double>(l.rows) / m.rate_hz), 12) << "\n";
  }
  std::cout << "\n";
  if (orphans.empty()) {
    std::cout << "  orphans   none\n";
  } else {
    std::cout << "  orphans   " << orphans.size()
              << " file(s) that no manifest entry names, left by an interrupted write; safe to delete:\n";
    for (const auto& o : orphans) std::cout << "            " << o << "\n";
  }
  if (!missing.empty()) {
    std::cout << "  MISSING   " << missing.size() << " sample file(s) named by the manifest do not exist:\n";
    for (const auto& s : missing) std::cout << "            " << s.file << "\n";
  }
  return 0;
}

// ---- import ---------------------------------------------------------------------------------------

int cmd_import(int argc, char** argv) {
  Parser p("dataset import",
           "Import recordings into a dataset (created if absent): an Edge Impulse export folder (info.labels) or "
           "data acquisition JSON files, CSV files, or 16-bit PCM mono WAV files. The whole input is checked "
           "before anything is written; a bad file leaves the dataset as it was.",
           "tml dataset import datasets/gestures-ei --dataset gestures/\n"
           "tml dataset import datasets/kws-mini --dataset kws/\n"
           "tml dataset import walk.csv --format csv --label walk --rate 100 --dataset motion/");
  p.options().add_options()("dataset", "The dataset folder to add to (required)", cxxopts::value<std::string>())(
      "format", "Input format: ei, csv or wav (default: from the files)", cxxopts::value<std::string>())(
      "label", "Give every sample this label (default: from the input)", cxxopts::value<std::string>())(
      "rate", "CSV only: sample rate in Hz (default: from a timestamp column)", cxxopts::value<double>())(
      "split", "Put every sample in this split: train or test (default: from the input, else by hash)",
      cxxopts::value<std::string>())("input", "File or folder to import", cxxopts::value<std::string>());
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
    validate_label(opt.label);
  }
  if (r.count("rate")) opt.rate_hz = r["rate"].as<double>();
  if (r.count("split")) opt.split = r["split"].as<std::string>();
  const std::string input = r["input"].as<std::string>();
  const std::string dir = r["dataset"].as<std::string>();

  const ImportSet set = read_import(input, opt);
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
  std::cout << "Imported " << added.size() << (added.size() == 1 ? " sample (" : " samples (")
            << added.size() - test << " train, " << test << " test) from " << input << " (" << format_title(set.format) << ") into "
            << (created ? "the new dataset " : "") << dir << "\n"
            << "  " << describe(set.meta) << "\n"
            << "  labels: " << labels << "\n";
  return 0;
}

// ---- export ---------------------------------------------------------------------------------------

int cmd_export(int argc, char** argv) {
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
  Parser::require(r, "dataset");
  Parser::require(r, "format");
  Parser::require(r, "out");
  const Format f = parse_format(r["format"].as<std::string>());
  const Dataset d = Dataset::open(r["dataset"].as<std::string>());
  const std::string out = r["out"].as<std::string>();
  export_dataset(d, f, out);
  std::cout << "Exported " << d.samples().size() << " samples of " << r["dataset"].as<std::string>() << " to " << out
            << " (" << format_title(f) << ")\n";
  return 0;
}

void print_help() {
  std::cout << "Usage: tml dataset <info|import|export> [options]   (tml dataset <command> --help for each)\n\n"
               "Inspect, import and export labelled recordings (datasets/README.md documents the format).\n\n"
               "Commands:\n"
               "  info      Labels, counts per split, durations, rate, axes, devices and orphan files\n"
               "  import    Add Edge Impulse JSON, CSV or WAV recordings to a dataset\n"
               "  export    Write a dataset as Edge Impulse JSON, CSV or WAV\n\n"
               "Example:\n";
  const std::string ex = kExamples;
  size_t start = 0;
  while (start < ex.size()) {
    size_t end = ex.find('\n', start);
    if (end == std::string::npos) end = ex.size();
    std::cout << "  " << ex.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

}  // namespace

int cmd_dataset(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    print_help();
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  int (*run)(int, char**) = sub == "info" ? cmd_info : sub == "import" ? cmd_import : sub == "export" ? cmd_export : nullptr;
  if (!run) throw UsageError("unknown dataset command '" + sub + "': use info, import or export");
  try {
    return run(argc - 1, argv + 1);
  } catch (const UsageError& e) {
    std::cerr << "tml dataset " << sub << ": " << e.what() << "\nTry 'tml dataset " << sub << " --help'.\n";
    return 2;
  }
}

}  // namespace tml::cli
