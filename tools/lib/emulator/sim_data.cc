#include "emulator/sim_data.h"

#include <unistd.h>

#include <cstdlib>

#include "dataset/dataset.h"
#include "emulator/replay.h"
#include "tml/protocol/messages.h"
#include "util/error.h"

namespace tml::emulator {
namespace {

std::filesystem::path data_root() {
  if (const char* env = std::getenv("TML_SOURCE_DIR"); env && *env) return std::filesystem::path(env) / "datasets";
  return std::filesystem::path(TML_SOURCE_DIR) / "datasets";
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
    for (size_t i = 0; i < data.sources.size(); ++i) {
      const auto& source = data.sources[i];
      const dataset::Dataset ds = dataset::open_or_import(source, dir_ / ("import-" + std::to_string(i)));
      const int sensor = replay_sensor_for(ds.meta());
      if (used[sensor]) throw Error("two recordings sources for the " + std::string(tml_sensor_name(sensor)) + ": " + source.string());
      used[sensor] = true;
      const std::string file = std::string(sensor == TML_SENSOR_MIC ? "mic" : sensor == TML_SENSOR_LIGHT ? "light" : "accel");
      std::vector<std::vector<float>> recordings;
      for (const auto& info : ds.samples()) {
        if (!data.label.empty() && info.label != data.label) continue;
        if (!data.split.empty() && info.split != data.split) continue;
        recordings.push_back(ds.load(info).values);
      }
      if (recordings.empty()) continue;  // this sensor has nothing to replay under the filters
      const auto path = dir_ / (file + ".tmlr");
      write_replay(path, ds.meta(), recordings);
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

SimSetup::~SimSetup() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace tml::emulator
