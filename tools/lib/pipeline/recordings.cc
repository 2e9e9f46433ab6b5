#include "pipeline/recordings.h"

#include <algorithm>

#include "formats/transfer.h"
#include "tml/trainer/error.h"

namespace tml::pipeline {

namespace {

trainer::RecordingSet start(const dataset::Meta& meta, std::vector<std::string> labels) {
  trainer::RecordingSet set;
  set.labels = std::move(labels);
  set.rate_hz = meta.rate_hz;
  set.sensor = meta.sensor;
  for (const auto& a : meta.axes) {
    set.axes.push_back(a.name);
    set.units.push_back(a.unit);
  }
  return set;
}

void add(trainer::RecordingSet& set, const std::string& id, const std::string& label, const std::string& split,
         std::vector<float> values) {
  const auto it = std::find(set.labels.begin(), set.labels.end(), label);
  if (it == set.labels.end()) {
    std::string known;
    for (const auto& l : set.labels) known += (known.empty() ? "" : ", ") + l;
    throw Error("sample '" + id + "' has label '" + label + "', which is not one of the model's labels (" + known + ")");
  }
  trainer::Recording r;
  r.id = id;
  r.label = static_cast<int>(it - set.labels.begin());
  r.split = split == "test" ? trainer::Split::Test : trainer::Split::Train;
  r.rows = set.axes.empty() ? 0 : static_cast<int>(values.size() / set.axes.size());
  r.values = std::move(values);
  set.recordings.push_back(std::move(r));
}

void finish(const trainer::RecordingSet& set, const std::string& where) {
  try {
    set.validate();
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
}

}  // namespace

trainer::RecordingSet load_recordings(const dataset::Dataset& ds, const std::vector<std::string>& labels) {
  if (ds.samples().empty()) throw Error("dataset " + ds.dir().string() + " is empty: capture or import samples first");
  trainer::RecordingSet set = start(ds.meta(), labels.empty() ? ds.labels() : labels);
  set.recordings.reserve(ds.samples().size());
  for (const auto& info : ds.samples()) add(set, info.id, info.label, info.split, ds.load(info).values);
  finish(set, "dataset " + ds.dir().string());
  return set;
}

trainer::RecordingSet read_recordings(const std::filesystem::path& source, const std::vector<std::string>& labels) {
  if (dataset::Dataset::exists(source)) return load_recordings(dataset::Dataset::open(source), labels);
  if (!std::filesystem::exists(source))
    throw Error(source.string() + " does not exist (give a dataset folder, or files 'tml dataset import' reads)");
  dataset::ImportSet in = dataset::read_import(source, {});
  if (in.samples.empty()) throw Error(source.string() + " holds no samples");
  std::vector<std::string> names = labels;
  if (names.empty()) {
    for (const auto& p : in.samples) names.push_back(p.label);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  }
  trainer::RecordingSet set = start(in.meta, names);
  for (auto& p : in.samples)
    add(set, p.id, p.label, p.split.empty() ? dataset::hash_split(p.id, in.meta.test_percent) : p.split,
        std::move(p.values));
  finish(set, source.string());
  return set;
}

}  // namespace tml::pipeline
