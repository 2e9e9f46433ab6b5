#include "pipeline/recordings.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "formats/transfer.h"
#include "tml/trainer/error.h"

namespace tml::pipeline {

namespace {

// Which columns of a sample are inputs and which numeric targets (target axes, then per-sample targets).
struct Columns {
  std::vector<size_t> inputs;        // indices into the meta's axes
  std::vector<size_t> target_axes;   // the same, for target axes (set.targets[0 .. size))
  size_t axes = 0;                   // columns of a sample file
};

trainer::RecordingSet start(const dataset::Meta& meta, std::vector<std::string> labels,
                            const std::vector<const dataset::SampleInfo*>& samples, Columns& cols) {
  trainer::RecordingSet set;
  set.labels = std::move(labels);
  set.rate_hz = meta.rate_hz;
  set.sensor = meta.sensor;
  cols.axes = meta.axes.size();
  for (size_t i = 0; i < meta.axes.size(); ++i) {
    const auto& a = meta.axes[i];
    const bool target = std::find(meta.targets.begin(), meta.targets.end(), a.name) != meta.targets.end();
    (target ? cols.target_axes : cols.inputs).push_back(i);
  }
  for (size_t i : cols.inputs) {
    set.axes.push_back(meta.axes[i].name);
    set.units.push_back(meta.axes[i].unit);
  }
  for (size_t i : cols.target_axes) {
    set.targets.push_back(meta.axes[i].name);
    set.target_units.push_back(meta.axes[i].unit);
  }
  std::set<std::string> per_sample;  // per-sample targets, by name, after the target axes
  for (const auto* s : samples)
    for (const auto& [name, value] : s->targets) per_sample.insert(name);
  for (const auto& name : per_sample) {
    set.targets.push_back(name);
    set.target_units.push_back("");
  }
  return set;
}

void add(trainer::RecordingSet& set, const Columns& cols, const std::string& id, const std::string& label,
         const std::string& split, std::vector<float> values, const std::map<std::string, double>& targets) {
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
  r.rows = cols.axes ? static_cast<int>(values.size() / cols.axes) : 0;
  if (cols.target_axes.empty() && set.targets.empty()) {
    r.values = std::move(values);
  } else {
    const size_t T = set.targets.size();
    r.values.reserve(static_cast<size_t>(r.rows) * cols.inputs.size());
    r.targets.reserve(static_cast<size_t>(r.rows) * T);
    for (size_t row = 0; row < static_cast<size_t>(r.rows); ++row) {
      const float* v = values.data() + row * cols.axes;
      for (size_t i : cols.inputs) r.values.push_back(v[i]);
      for (size_t i : cols.target_axes) r.targets.push_back(v[i]);
      for (size_t t = cols.target_axes.size(); t < T; ++t) {
        const auto found = targets.find(set.targets[t]);
        r.targets.push_back(found == targets.end() ? std::nanf("") : static_cast<float>(found->second));
      }
    }
  }
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
  std::vector<const dataset::SampleInfo*> infos;
  for (const auto& info : ds.samples()) infos.push_back(&info);
  Columns cols;
  trainer::RecordingSet set = start(ds.meta(), labels.empty() ? ds.labels() : labels, infos, cols);
  set.recordings.reserve(ds.samples().size());
  for (const auto& info : ds.samples())
    add(set, cols, info.id, info.label, info.split, ds.load(info).values, info.targets);
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
  Columns cols;
  trainer::RecordingSet set = start(in.meta, names, {}, cols);
  for (auto& p : in.samples)
    add(set, cols, p.id, p.label, p.split.empty() ? dataset::hash_split(p.id, in.meta.test_percent) : p.split,
        std::move(p.values), {});
  finish(set, source.string());
  return set;
}

}  // namespace tml::pipeline
