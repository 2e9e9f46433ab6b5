#include "train/recordings.h"

#include <algorithm>

#include "trainer/error.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace tml::train {

trainer::RecordingSet load_recordings(const dataset::Dataset& ds, const std::vector<std::string>& labels) {
  if (ds.samples().empty()) throw Error("dataset " + ds.dir().string() + " is empty: capture or import samples first");
  trainer::RecordingSet set;
  set.labels = labels.empty() ? ds.labels() : labels;
  set.rate_hz = ds.meta().rate_hz;
  for (const auto& a : ds.meta().axes) {
    set.axes.push_back(a.name);
    set.units.push_back(a.unit);
  }
  set.recordings.reserve(ds.samples().size());
  for (const auto& info : ds.samples()) {
    const auto it = std::find(set.labels.begin(), set.labels.end(), info.label);
    if (it == set.labels.end()) {
      std::string known;
      for (const auto& l : set.labels) known += (known.empty() ? "" : ", ") + l;
      throw Error("sample '" + info.id + "' has label '" + info.label + "', which is not one of the model's labels (" +
                  known + ")");
    }
    dataset::Sample sample = ds.load(info);
    trainer::Recording r;
    r.id = info.id;
    r.label = static_cast<int>(it - set.labels.begin());
    r.split = info.split == "test" ? trainer::Split::Test : trainer::Split::Train;
    r.rows = static_cast<int>(info.rows);
    r.values = std::move(sample.values);
    set.recordings.push_back(std::move(r));
  }
  try {
    set.validate();
  } catch (const trainer::Error& e) {
    throw Error("dataset " + ds.dir().string() + ": " + e.what());
  }
  return set;
}

void save_model(const trainer::Model& model, const std::filesystem::path& path) {
  std::string text;
  try {
    text = trainer::model_to_json(model);
  } catch (const trainer::Error& e) {
    throw Error("cannot save " + path.string() + ": " + e.what());
  }
  write_file_atomic(path, text);
}

trainer::Model load_model(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path.string() + " does not exist");
  const std::string text = read_file(path);
  try {
    return trainer::model_from_json(text, path.string());
  } catch (const trainer::Error& e) {
    throw Error(e.what());
  }
}

}  // namespace tml::train
