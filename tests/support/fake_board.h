// A board in the test process: the real firmware device core (tml/device.h) over in-memory byte queues,
// with a deterministic fake sensor. Tests of the device core and of the host's link use it; the
// end-to-end tests use the emulated board instead.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "tml/device.h"

namespace tml::test {

class FakeBoard {
 public:
  // `sensors`: bit mask of available sensors (accelerometer: 3 axes f32 at 100 Hz; microphone: 1 axis
  // i16 at 16 kHz). `unpaced`: every poll makes a full message of rows ready; otherwise `rows_per_poll`.
  explicit FakeBoard(uint8_t sensors = (1u << TML_SENSOR_ACCEL) | (1u << TML_SENSOR_MIC), bool unpaced = true);
  FakeBoard(const FakeBoard&) = delete;
  FakeBoard& operator=(const FakeBoard&) = delete;

  // The value the fake sensor produces for `row` (counted since START) and `axis`.
  static float accel_value(uint32_t row, int axis) { return static_cast<float>(row * 3 + static_cast<uint32_t>(axis)) * 0.125f - 50.0f; }
  static int16_t mic_value(uint32_t row) { return static_cast<int16_t>((row * 7u) % 65536u - 32768); }

  // Gives the board a model (tml_device_attach_model): a START with TML_START_PREDICT then classifies every
  // window of `stride` rows of the accelerometer stream (3 axes at 100 Hz, the blob's input) and sends a
  // PREDICTION for each. The blob is copied.
  void attach_model(const std::vector<uint8_t>& blob, uint32_t stride);

  void host_send(const std::vector<uint8_t>& bytes) { rx.insert(rx.end(), bytes.begin(), bytes.end()); }
  int poll(int times = 1);  // runs the device loop; returns the last status

  tml_device device;
  std::deque<uint8_t> rx;    // host -> board, not yet read by the board
  std::vector<uint8_t> tx;   // board -> host, everything written
  size_t rows_per_poll = 1;  // when paced
  uint8_t sensor = 0;        // currently configured
  uint32_t produced = 0;     // rows handed out since START
  uint32_t drop_next = 0;    // the next read reports this many rows dropped before its rows
  int starts = 0, stops = 0;
  int init_status = 0;

 private:
  std::vector<uint32_t> blob_, arena_;  // word storage: the runner wants 4-aligned memory
  std::vector<float> window_;
  tml_model model_{};
  tml_inference inference_{};
};

}  // namespace tml::test
