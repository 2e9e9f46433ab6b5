#include "emulator/replay.h"

#include <cmath>
#include <cstring>
#include <string>

#include "tml/replay_format.h"
#include "tml/trainer/sensor.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::emulator {

int replay_sensor_for(const dataset::Meta& meta) {
  if (meta.axes.empty() || meta.axes.size() > TML_MAX_AXES)
    throw Error("cannot replay recordings with " + std::to_string(meta.axes.size()) + " axes (1 to " +
                std::to_string(TML_MAX_AXES) + " can be replayed)");
  const int sensor = trainer::sensor_number(meta.sensor);
  return sensor == TML_SENSOR_NONE ? TML_SENSOR_ACCEL : sensor;
}

size_t write_replay(const std::filesystem::path& path, const dataset::Meta& meta,
                    const std::vector<std::vector<float>>& recordings) {
  const int sensor = replay_sensor_for(meta);
  const size_t axes = meta.axes.size();
  if (!(meta.rate_hz > 0) || meta.rate_hz > 4e6) throw Error("cannot replay a recording without a valid sample rate");
  tml_replay_header h{};
  std::memcpy(h.magic, TML_REPLAY_MAGIC, 4);
  h.version = TML_REPLAY_VERSION;
  h.sensor = static_cast<uint8_t>(sensor);
  h.sample_format = sensor == TML_SENSOR_MIC ? TML_FORMAT_I16 : TML_FORMAT_F32;
  h.rate_millihz = static_cast<uint32_t>(std::llround(meta.rate_hz * 1000.0));
  h.scale = 1.0f;
  h.axis_count = static_cast<uint8_t>(axes);
  for (size_t a = 0; a < axes; ++a) {
    std::strncpy(h.axes[a].name, meta.axes[a].name.c_str(), TML_AXIS_NAME_LEN);
    std::strncpy(h.axes[a].unit, meta.axes[a].unit.c_str(), TML_AXIS_NAME_LEN);
  }
  size_t rows = 0;
  for (const auto& r : recordings) {
    if (r.size() % axes != 0) throw Error("a recording's value count is not a multiple of its axes");
    rows += r.size() / axes;
  }
  if (rows == 0) throw Error("nothing to replay: no recordings selected");
  h.rows = static_cast<uint32_t>(rows);

  std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
  bytes.reserve(sizeof h + rows * axes * 4);
  for (const auto& r : recordings) {
    for (float v : r) {
      if (h.sample_format == TML_FORMAT_I16) {
        if (!(v >= -32768.0f && v <= 32767.0f) || v != std::floor(v))
          throw Error("microphone recordings must hold whole int16 values to be replayed");
        const int16_t s = static_cast<int16_t>(v);
        bytes.append(reinterpret_cast<const char*>(&s), 2);
      } else {
        bytes.append(reinterpret_cast<const char*>(&v), 4);
      }
    }
  }
  write_file_atomic(path, bytes);
  return rows;
}

}  // namespace tml::emulator
