#include "replay_sensor.h"

#include <cstring>

#include "board.h"
#include "semihosting.h"

namespace tml::mps2 {
namespace {

size_t row_bytes(const tml_replay_header& h) { return tml_sample_format_size(h.sample_format) * h.axis_count; }

void set_axis(tml_axis* a, const char* name, const char* unit) {
  memset(a, 0, sizeof *a);
  strncpy(a->name, name, sizeof a->name);
  strncpy(a->unit, unit, sizeof a->unit);
}

constexpr uint32_t kLightDefaultMilliHz = 10000;

}  // namespace

int Sensors::attach(uint8_t sensor, const char* path) {
  if (sensor == TML_SENSOR_NONE || sensor >= TML_SENSOR_COUNT) return TML_ERR_ARG;
  ReplayFile& f = files_[sensor];
  f.fd = semihost_open(path);
  if (f.fd < 0) return TML_ERR_IO;
  tml_replay_header h;
  const long len = semihost_flen(f.fd);
  if (semihost_read(f.fd, &h, sizeof h) != static_cast<int>(sizeof h) || memcmp(h.magic, TML_REPLAY_MAGIC, 4) != 0 ||
      h.version != TML_REPLAY_VERSION || h.sensor != sensor || h.axis_count < 1 || h.axis_count > TML_MAX_AXES ||
      tml_sample_format_size(h.sample_format) == 0 || h.rows == 0 || h.rate_millihz == 0 ||
      len != static_cast<long>(sizeof h + h.rows * row_bytes(h))) {
    semihost_close(f.fd);
    f.fd = -1;
    return TML_ERR_FORMAT;
  }
  f.header = h;
  f.next_row = 0;
  return TML_OK;
}

uint8_t Sensors::available() const {
  uint8_t mask = 1u << TML_SENSOR_LIGHT;
  for (int s = 1; s < TML_SENSOR_COUNT; ++s)
    if (files_[s].fd >= 0) mask |= static_cast<uint8_t>(1u << s);
  return mask;
}

int Sensors::configure(uint8_t sensor, uint32_t rate_millihz, tml_sensor_config* config) {
  if (sensor == TML_SENSOR_NONE || sensor >= TML_SENSOR_COUNT) return TML_ERR_UNSUPPORTED;
  tml_sensor_config c{};
  c.sensor = sensor;
  const ReplayFile& f = files_[sensor];
  if (f.fd >= 0) {  // a recording plays at its own rate, whatever was asked
    c.sample_format = f.header.sample_format;
    c.axis_count = f.header.axis_count;
    c.rate_millihz = f.header.rate_millihz;
    c.scale = f.header.scale;
    memcpy(c.axes, f.header.axes, sizeof c.axes);
  } else if (sensor == TML_SENSOR_LIGHT) {  // synthetic: any rate from 1 Hz to 1 kHz
    c.sample_format = TML_FORMAT_I16;
    c.axis_count = 1;
    uint32_t r = rate_millihz ? rate_millihz : kLightDefaultMilliHz;
    if (r < 1000) r = 1000;
    if (r > 1000000) r = 1000000;
    c.rate_millihz = r;
    c.scale = 1.0f;
    set_axis(&c.axes[0], "light", "raw");
  } else {
    return TML_ERR_UNSUPPORTED;
  }
  config_ = c;
  *config = c;
  return TML_OK;
}

int Sensors::start() {
  start_us_ = now_us();
  produced_ = 0;
  return TML_OK;
}

int Sensors::stop() { return TML_OK; }

int Sensors::read(void* out, size_t max_rows) {
  size_t rows = max_rows;
  if (!unpaced_) {
    const uint64_t due = (now_us() - start_us_) * config_.rate_millihz / 1000000000ull;
    rows = due > produced_ ? static_cast<size_t>(due - produced_) : 0;
    if (rows > max_rows) rows = max_rows;
  }
  if (rows == 0) return 0;
  ReplayFile& f = files_[config_.sensor];
  if (f.fd >= 0) {
    int s = read_replay(f, static_cast<uint8_t*>(out), rows);
    if (s < 0) return s;
  } else {
    synth_light(static_cast<int16_t*>(out), rows);
  }
  produced_ += rows;
  return static_cast<int>(rows);
}

int Sensors::read_replay(ReplayFile& f, uint8_t* out, size_t rows) {
  const size_t rb = row_bytes(f.header);
  while (rows > 0) {
    size_t chunk = f.header.rows - f.next_row;
    if (chunk > rows) chunk = rows;
    if (semihost_seek(f.fd, sizeof(tml_replay_header) + static_cast<size_t>(f.next_row) * rb) != 0) return TML_ERR_IO;
    if (semihost_read(f.fd, out, chunk * rb) != static_cast<int>(chunk * rb)) return TML_ERR_IO;
    out += chunk * rb;
    rows -= chunk;
    f.next_row += static_cast<uint32_t>(chunk);
    if (f.next_row == f.header.rows) f.next_row = 0;
  }
  return TML_OK;
}

// A room light over ten seconds: dim, then bright, with the 100 Hz flicker of mains lighting on top.
void Sensors::synth_light(int16_t* out, size_t rows) {
  const uint32_t rate_hz = config_.rate_millihz / 1000;
  for (size_t i = 0; i < rows; ++i, ++light_row_) {
    const uint32_t period = 10 * (rate_hz ? rate_hz : 1);
    const uint32_t phase = light_row_ % period;
    const int32_t ramp = static_cast<int32_t>(phase < period / 2 ? phase : period - phase) * 800 / static_cast<int32_t>(period);
    const int32_t flicker = (light_row_ & 1u) ? 6 : -6;
    out[i] = static_cast<int16_t>(150 + ramp + flicker);
  }
}

}  // namespace tml::mps2
