#include "emulator/sim_data.h"

#include <algorithm>

#include <unistd.h>

#include <cstdlib>

#include "dataset/dataset.h"
#include "formats/transfer.h"
#include "emulator/replay.h"
#include "tml/protocol/messages.h"
#include "tml/trainer/error.h"

namespace tml::emulator {
namespace {

std::filesystem::path data_root() {
  if (const char* env = std::getenv("TML_SOURCE_DIR"); env && *env) return std::filesystem::path(env) / "datasets";
  return std::filesystem::path(TML_SOURCE_DIR) / "datasets";
}

// Drops a dataset's target axes (numeric targets, meta.targets) from its recordings.
void strip_targets(dataset::Meta& meta, std::vector<std::vector<float>>& recordings) {
  if (meta.targets.empty()) return;
  std::vector<bool> keep;
  std::vector<dataset::Axis> axes;
  for (const auto& a : meta.axes) {
    keep.push_back(std::find(meta.targets.begin(), meta.targets.end(), a.name) == meta.targets.end());
    if (keep.back()) axes.push_back(a);
  }
  const size_t n = meta.axes.size();
  for (auto& r : recordings) {
    std::vector<float> kept;
    kept.reserve(r.size() / n * axes.size());
    for (size_t i = 0; i < r.size(); ++i)
      if (keep[i % n]) kept.push_back(r[i]);
    r = std::move(kept);
  }
  meta.axes = std::move(axes);
  meta.targets.clear();
}

}  // namespace

SimData default_sim_data() {
  SimData d;
  d.sources = {data_root() / "gestures-ei", data_root() / "kws-mini"};
  return d;
}

SimSetup::SimSetup(const SimData& data) {
  char tmpl[] = "/tmp/tml-sim-XXXXXX";
  if (!::mkdtemp(tmpl)) throw Error("cannot create a temporary folder for the emulated board's recordings");
  dir_ = tmpl;
  try {
    bool used[TML_SENSOR_COUNT] = {};
    for (const auto& source : data.sources) {
      dataset::Meta meta;
      std::vector<std::vector<float>> recordings;
      std::vector<Segment> timeline;
      auto keep = [&](const std::string& label, const std::string& split) {
        return (data.label.empty() || label == data.label) && (data.split.empty() || split == data.split);
      };
      if (dataset::Dataset::exists(source)) {
        const auto ds = dataset::Dataset::open(source);
        meta = ds.meta();
        for (const auto& info : ds.samples())
          if (keep(info.label, info.split)) {
            recordings.push_back(ds.load(info).values);
            timeline.push_back({info.label, info.rows});
          }
      } else {  // anything `tml dataset import` reads, read in memory: nothing is written
        auto set = dataset::read_import(source, {});
        meta = set.meta;
        for (auto& p : set.samples) {
          const std::string split = p.split.empty() ? dataset::hash_split(p.id, meta.test_percent) : p.split;
          if (!keep(p.label, split)) continue;
          timeline.push_back({p.label, p.values.size() / meta.axes.size()});
          recordings.push_back(std::move(p.values));
        }
      }
      strip_targets(meta, recordings);  // the board streams the inputs; targets are what a model predicts
      const int sensor = replay_sensor_for(meta);
      if (used[sensor]) throw Error("two recordings sources for the " + std::string(tml_sensor_name(sensor)) + ": " + source.string());
      used[sensor] = true;
      const std::string file = std::string(sensor == TML_SENSOR_MIC ? "mic" : sensor == TML_SENSOR_LIGHT ? "light" : "accel");
      if (recordings.empty()) continue;  // this sensor has nothing to replay under the filters
      timelines_[sensor] = std::move(timeline);
      const auto path = dir_ / (file + ".tmlr");
      write_replay(path, meta, recordings);
      options_.firmware_args.push_back("--" + file + "=" + path.string());
    }
    if (options_.firmware_args.empty() && !data.sources.empty()) {
      std::string where;
      for (const auto& s : data.sources) where += (where.empty() ? "" : ", ") + s.string();
      throw Error("no recordings to replay in " + where + (data.label.empty() ? "" : " with label '" + data.label + "'") +
                  (data.split.empty() ? "" : " in split '" + data.split + "'"));
    }
    if (data.unpaced) options_.firmware_args.push_back("--unpaced");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

const std::vector<SimSetup::Segment>& SimSetup::timeline(int sensor) const {
  static const std::vector<Segment> none;
  return sensor > 0 && sensor < TML_SENSOR_COUNT ? timelines_[sensor] : none;
}

SimSetup::~SimSetup() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace tml::emulator
