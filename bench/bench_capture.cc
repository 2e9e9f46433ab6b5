// Capture throughput over the emulated board's link: the board replays recordings unpaced (as fast as
// the link takes them) and the host records through the same code as `tml capture`. Prints the sustained
// payload rate per sensor and the lost/rejected frame counts, beside what real-time streams need.
//
//   build/bench/bench_capture [--seconds-of-audio N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "capture/capture.h"
#include "emulator/sim_data.h"
#include "link/board_link.h"
#include "link/connection.h"

namespace {

struct Result {
  double payload_kbs = 0, wire_kbs = 0, seconds = 0;
  tml::capture::Figures figures;
};

Result run(tml::link::BoardLink& link, int sensor, size_t rows) {
  const auto s = link.set_sensor(sensor);
  const size_t row_bytes = s.axes.size() * (s.sample_format == TML_FORMAT_I16 ? 2 : 4);
  const auto t0 = std::chrono::steady_clock::now();
  const auto rec = tml::capture::record_framed(link, rows, 5000);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Result r;
  r.seconds = sec;
  r.figures = rec.figures;
  r.payload_kbs = rows * row_bytes / sec / 1000.0;
  r.wire_kbs = rec.figures.bytes / sec / 1000.0;
  return r;
}

void print(const char* what, const Result& r, double needed_kbs) {
  std::printf("%-34s %8.1f KB/s payload  %8.1f KB/s on the wire  %6.2f s  frames %llu  lost %llu  rejected %llu"
              "  (real time needs %.1f KB/s: %.0fx headroom)\n",
              what, r.payload_kbs, r.wire_kbs, r.seconds, static_cast<unsigned long long>(r.figures.frames),
              static_cast<unsigned long long>(r.figures.lost_frames),
              static_cast<unsigned long long>(r.figures.crc_errors + r.figures.rejected), needed_kbs,
              r.payload_kbs / needed_kbs);
}

}  // namespace

int main(int argc, char** argv) {
  double audio_seconds = 120;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--seconds-of-audio")) audio_seconds = std::atof(argv[i + 1]);
  try {
    auto data = tml::emulator::default_sim_data();
    data.unpaced = true;
    tml::emulator::SimSetup sim(data);
    auto conn = tml::link::connect("sim", sim.options());
    tml::link::BoardLink link(*conn.transport);
    link.hello();
    std::printf("capture benchmark: emulated board (QEMU mps2-an386) -> TCP -> tml, unpaced replay\n");
    const auto mic = run(link, TML_SENSOR_MIC, static_cast<size_t>(audio_seconds * 16000));
    print("microphone, 16 kHz int16 x1", mic, 32.0);
    const auto acc = run(link, TML_SENSOR_ACCEL, 200000);
    print("accelerometer, 104 Hz float32 x3", acc, 104 * 12 / 1000.0);
    const bool ok = mic.figures.lost_frames == 0 && acc.figures.lost_frames == 0 && mic.figures.lost_rows == 0 &&
                    acc.figures.lost_rows == 0;
    std::printf("goal: >= 200 KB/s sustained payload with 0 lost frames: %s (%.1f KB/s)\n",
                ok && mic.payload_kbs >= 200 ? "met" : "NOT met", mic.payload_kbs);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_capture: %s\n", e.what());
    return 1;
  }
}
