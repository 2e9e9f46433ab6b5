#include "formats/transfer.h"

#include <algorithm>

#include <cmath>
#include <map>
#include <set>

#include "dataset/csv_text.h"
#include "formats/csv_format.h"
#include "formats/ei_json.h"
#include "formats/input_files.h"
#include "formats/wav_format.h"
#include "tml/trainer/error.h"

namespace tml::dataset {
namespace fs = std::filesystem;

namespace {

// The format of an input, from its extension (a file) or the files it holds (a folder).
Format detect_format(const fs::path& input) {
  std::error_code ec;
  if (fs::is_regular_file(input, ec)) {
    const std::string ext = lowercase(input.extension().string());
    if (ext == ".json") return Format::ei;
    if (ext == ".csv") return Format::csv;
    if (ext == ".wav") return Format::wav;
    throw Error("cannot tell the format of " + input.string() + " from its extension; give --format ei, csv or wav");
  }
  if (fs::exists(input / "info.labels", ec)) return Format::ei;
  std::set<std::string> kinds;
  for (const auto& f : input_files(input, "", {kManifestCsv})) {
    const std::string ext = lowercase(f.path.extension().string());
    if (ext == ".json" || ext == ".csv" || ext == ".wav") kinds.insert(ext);
  }
  if (kinds.empty()) throw Error(input.string() + " holds no .json, .csv or .wav files to import");
  if (kinds.size() > 1) {
    std::string list;
    for (const auto& k : kinds) list += (list.empty() ? "" : " and ") + k;
    throw Error(input.string() + " holds " + list + " files; choose which to import with --format ei, csv or wav");
  }
  const std::string& k = *kinds.begin();
  return k == ".json" ? Format::ei : k == ".csv" ? Format::csv : Format::wav;
}

// The options on their own, before the input is read.
void check_options(const ImportOptions& opt) {
  if (!opt.label.empty()) validate_label(opt.label);
  if (!opt.split.empty() && !is_split(opt.split)) throw UsageError("--split must be train or test");
  if (opt.rate_hz && !(std::isfinite(*opt.rate_hz) && *opt.rate_hz > 0))
    throw UsageError("--rate must be a positive number of Hz");
}

// Every sample's label and id valid, no id twice, the configuration usable.
void check_set(const ImportSet& set) {
  std::map<std::string, std::string> origin_of_id;
  for (const auto& s : set.samples) {
    try {
      validate_label(s.label);
      validate_sample_id(s.id);
    } catch (const Error& e) {
      throw Error(s.origin + ": " + e.what());
    }
    auto [it, fresh] = origin_of_id.emplace(s.id, s.origin);
    if (!fresh)
      throw Error(it->second + " and " + s.origin + " both give sample id '" + s.id + "'; rename one of them");
  }
  try {
    validate_meta(set.meta);
  } catch (const Error& e) {
    throw Error(set.samples.front().origin + ": " + e.what());
  }
}

}  // namespace

Format parse_format(const std::string& name) {
  if (name == "ei") return Format::ei;
  if (name == "csv") return Format::csv;
  if (name == "wav") return Format::wav;
  throw UsageError("unknown format '" + name + "': use ei (Edge Impulse JSON), csv or wav");
}

const char* format_name(Format f) {
  switch (f) {
    case Format::ei: return "ei";
    case Format::csv: return "csv";
    case Format::wav: return "wav";
  }
  return "?";
}

const char* format_title(Format f) {
  switch (f) {
    case Format::ei: return "Edge Impulse JSON";
    case Format::csv: return "CSV";
    case Format::wav: return "WAV";
  }
  return "?";
}

ImportSet read_import(const fs::path& input, const ImportOptions& opt) {
  check_options(opt);
  std::error_code ec;
  if (!fs::exists(input, ec)) throw Error(input.string() + " does not exist");
  const Format format = opt.format ? *opt.format : detect_format(input);
  if (opt.rate_hz && format != Format::csv)
    throw UsageError(std::string("--rate applies to CSV imports only: ") + format_title(format) +
                     " files declare their own rate");
  ImportSet set;
  switch (format) {
    case Format::ei: set = read_ei(input, opt); break;
    case Format::csv: set = read_csv(input, opt); break;
    case Format::wav: set = read_wav(input, opt); break;
  }
  set.format = format;
  if (set.samples.empty())
    throw Error("no " + std::string(format_title(format)) + " samples found in " + input.string());
  for (auto& s : set.samples) {
    if (!opt.label.empty()) s.label = opt.label;
    if (!opt.split.empty()) s.split = opt.split;
  }
  for (const auto& column : opt.target_columns) {
    bool found = false;
    for (const auto& a : set.meta.axes) found = found || a.name == column;
    if (!found)
      throw UsageError("--target-column '" + column + "': the input has no such column (its columns: " +
                       describe(set.meta.axes) + ")");
  }
  set.meta.targets = opt.target_columns;
  if (!set.meta.targets.empty() && set.meta.sensor == guess_sensor({})) {  // the sensor of the input axes
    std::vector<Axis> inputs;
    for (const auto& a : set.meta.axes)
      if (std::find(set.meta.targets.begin(), set.meta.targets.end(), a.name) == set.meta.targets.end())
        inputs.push_back(a);
    set.meta.sensor = guess_sensor(inputs);
  }
  check_set(set);
  return set;
}

std::vector<SampleInfo> import_into(const fs::path& dir, const ImportSet& set, bool* created) {
  const bool exists = Dataset::exists(dir);
  Dataset d = exists ? Dataset::open(dir) : Dataset::create_on_first_add(dir, set.meta);
  if (exists && !same_axes_and_rate(d.meta(), set.meta))
    throw Error("dataset " + dir.string() + " holds " + describe(d.meta()) + "; the input has " + describe(set.meta) +
                ". Import it into another dataset folder");
  std::vector<NewSample> batch;
  batch.reserve(set.samples.size());
  const std::string source = std::string("import:") + format_name(set.format);
  for (const auto& s : set.samples)
    batch.push_back(NewSample{s.label, s.values, s.device, source, s.id, s.split, s.created});
  auto added = d.add_all(batch);
  if (created) *created = !exists;
  return added;
}

void export_dataset(const Dataset& d, Format f, const fs::path& out) {
  if (d.samples().empty()) throw Error("dataset " + d.dir().string() + " has no samples to export");
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw Error("cannot export to " + out.string() + ": it is a file");
    if (!fs::is_empty(out, ec))
      throw Error("cannot export to " + out.string() + ": the folder is not empty; choose a new one");
  }
  const bool made = !fs::exists(out, ec);
  if (!fs::create_directories(out, ec) && ec) throw Error("cannot create folder " + out.string() + ": " + ec.message());
  try {
    switch (f) {
      case Format::ei: export_ei(d, out); break;
      case Format::csv: export_csv(d, out); break;
      case Format::wav: export_wav(d, out); break;
    }
  } catch (...) {
    // The folder was new or empty: everything in it is ours.
    if (made) {
      fs::remove_all(out, ec);
    } else {
      for (auto it = fs::directory_iterator(out, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code e2;
        fs::remove_all(it->path(), e2);
      }
    }
    throw;
  }
}

}  // namespace tml::dataset
