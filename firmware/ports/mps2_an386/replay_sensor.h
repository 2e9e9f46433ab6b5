// The emulated board's sensors. Accelerometer and microphone replay recordings (tml replay files, see
// tml/replay_format.h) that QEMU's semihosting lets the firmware read from the host; the light sensor
// replays a file too when given one, otherwise it produces a deterministic synthetic trace (there is no
// recorded light data). Rows become ready at the recording's rate in the board's virtual time, or as fast
// as the link takes them when the board runs unpaced.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tml/device.h"
#include "tml/replay_format.h"

namespace tml::mps2 {

struct ReplayFile {
  int fd = -1;
  tml_replay_header header{};
  uint32_t next_row = 0;  // where playback continues; wraps to 0 after the last row
};

class Sensors {
 public:
  // Opens the replay file for `sensor`; returns a status (TML_ERR_IO if unreadable, TML_ERR_FORMAT if
  // the file is not a replay file for that sensor).
  int attach(uint8_t sensor, const char* path);
  uint8_t available() const;  // bit mask of sensors (light is always there)
  void set_unpaced(bool unpaced) { unpaced_ = unpaced; }

  int configure(uint8_t sensor, uint32_t rate_millihz, tml_sensor_config* config);
  int start();
  int stop();
  int read(void* out, size_t max_rows);

 private:
  int read_replay(ReplayFile& f, uint8_t* out, size_t rows);
  void synth_light(int16_t* out, size_t rows);

  ReplayFile files_[TML_SENSOR_COUNT];
  tml_sensor_config config_{};
  bool unpaced_ = false;
  uint64_t start_us_ = 0;
  uint64_t produced_ = 0;  // rows handed out since start
  uint32_t light_row_ = 0;
};

}  // namespace tml::mps2
