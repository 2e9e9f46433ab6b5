// The Wio Terminal port's board-independent code (wio_port.cpp) against a fake of its hardware layer
// (wio_hw.h): a LIS3DH register file with a FIFO, a microphone interrupt, a clock and a USB pipe.
#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <vector>

#include "host_side.h"
#include "wio_hw.h"
#include "wio_port.h"

using tml::test::as;
using tml::test::HostSide;
using tml::test::Msg;

namespace {

struct FakeHw {
  uint32_t micros = 0;
  std::vector<uint8_t> usb_out;
  std::deque<uint8_t> usb_in;
  std::map<uint8_t, uint8_t> regs = {{0x0F, 0x33}};
  std::deque<std::array<int16_t, 3>> fifo;  // LIS3DH FIFO, 32 deep
  bool fifo_overrun = false;
  uint32_t next_sample = 0;
  uint32_t mic_rate = 0;
  uint16_t light = 1234;
  void produce(size_t n) {  // the accelerometer makes n new samples
    for (size_t i = 0; i < n; ++i, ++next_sample) {
      if (fifo.size() == 32) {
        fifo.pop_front();
        fifo_overrun = true;
      }
      const int16_t v = static_cast<int16_t>(next_sample * 16);
      fifo.push_back({v, static_cast<int16_t>(-v), static_cast<int16_t>(v / 2)});
    }
  }
} hw;

std::vector<int16_t> accel_expected(uint32_t sample) {
  const int16_t v = static_cast<int16_t>(sample * 16);
  return {v, static_cast<int16_t>(-v), static_cast<int16_t>(v / 2)};
}

}  // namespace

extern "C" {
void wio_hw_init(void) {}
uint32_t wio_hw_micros(void) { return hw.micros; }
int wio_hw_usb_write(const uint8_t* data, size_t len) {
  hw.usb_out.insert(hw.usb_out.end(), data, data + len);
  return 0;
}
int wio_hw_usb_read_byte(void) {
  if (hw.usb_in.empty()) return -1;
  const int b = hw.usb_in.front();
  hw.usb_in.pop_front();
  return b;
}
int wio_hw_i2c_write(uint8_t addr, uint8_t reg, uint8_t value) {
  REQUIRE(addr == 0x18);
  hw.regs[reg] = value;
  if (reg == 0x2E && value == 0x00) hw.fifo.clear();  // bypass mode resets the FIFO
  return 0;
}
int wio_hw_i2c_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t len) {
  REQUIRE(addr == 0x18);
  if (reg == 0x2F) {  // FIFO_SRC: overrun flag, unread count
    out[0] = static_cast<uint8_t>((hw.fifo_overrun ? 0x40 : 0) | (hw.fifo.size() >= 32 ? 0x1F : hw.fifo.size()));
    if (hw.fifo.size() >= 32) out[0] |= 0x20;
    hw.fifo_overrun = false;
    return 0;
  }
  if (reg == (0x28 | 0x80)) {
    REQUIRE(len % 6 == 0);
    for (size_t i = 0; i < len / 6; ++i) {
      REQUIRE(!hw.fifo.empty());
      std::memcpy(out + i * 6, hw.fifo.front().data(), 6);
      hw.fifo.pop_front();
    }
    return 0;
  }
  REQUIRE(len == 1);
  out[0] = hw.regs[reg];
  return 0;
}
uint16_t wio_hw_light_read(void) { return hw.light; }
void wio_hw_mic_start(uint32_t rate_hz) { hw.mic_rate = rate_hz; }
void wio_hw_mic_stop(void) { hw.mic_rate = 0; }
}

TEST_CASE("Wio Terminal sensor arithmetic", "[wio]") {
  CHECK(wio_lis3dh_nearest_rate_millihz(104000) == 100000);
  CHECK(wio_lis3dh_nearest_rate_millihz(1500000) == 1344000);
  CHECK(wio_lis3dh_nearest_rate_millihz(0) == 1000);
  CHECK(wio_lis3dh_nearest_rate_millihz(30000) == 25000);
  CHECK(wio_lis3dh_ctrl_reg1(100000) == 0x57);
  CHECK(wio_lis3dh_ctrl_reg1(1344000) == 0x97);
  CHECK(wio_lis3dh_scale() == Approx(2.0e-3 / 16 * 9.80665).epsilon(1e-6));
  CHECK(wio_mic_pcm(2048) == 0);
  CHECK(wio_mic_pcm(0) == -32768);
  CHECK(wio_mic_pcm(4095) == 32752);
}

// One scenario in one process: the port keeps global state, as firmware does.
TEST_CASE("the Wio Terminal port streams its sensors and reports what it drops", "[wio]") {
  HostSide host;
  wio_port_setup();
  auto msgs = host.drain(hw.usb_out);
  REQUIRE(msgs.size() == 1);
  auto s = as<tml_msg_session>(msgs[0]);
  CHECK(std::string(s.board) == "wio-terminal");
  CHECK(s.sensor == TML_SENSOR_ACCEL);
  CHECK(s.sample_format == TML_FORMAT_I16);
  CHECK(s.rate_millihz == 100000);
  CHECK(s.sensors_available == ((1u << TML_SENSOR_ACCEL) | (1u << TML_SENSOR_MIC) | (1u << TML_SENSOR_LIGHT)));

  // Accelerometer: 100 rows through the FIFO, read as the loop turns.
  tml_msg_start start{100, TML_START_SAMPLES};
  host.send(hw.usb_in, TML_MSG_START, &start, sizeof start);
  wio_port_loop();
  CHECK(hw.regs[0x20] == 0x57);  // 100 Hz, xyz on
  CHECK(hw.regs[0x23] == 0x98);  // BDU, +-4 g, high resolution
  CHECK(hw.regs[0x2E] == 0x80);  // FIFO stream mode
  std::vector<int16_t> got;
  for (int turn = 0; turn < 40; ++turn) {
    hw.produce(3);
    hw.micros += 30000;
    wio_port_loop();
  }
  msgs = host.drain(hw.usb_out);
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES) {
      const auto h = as<tml_msg_samples>(m);
      REQUIRE(h.first_index == got.size() / 3);
      const int16_t* v = reinterpret_cast<const int16_t*>(m.payload.data() + sizeof h);
      got.insert(got.end(), v, v + h.count * 3);
    }
  REQUIRE(got.size() == 300);
  for (uint32_t r = 0; r < 100; ++r) REQUIRE(std::vector<int16_t>(got.begin() + r * 3, got.begin() + r * 3 + 3) == accel_expected(r));
  CHECK(as<tml_msg_session>(msgs.back()).streaming == 0);
  CHECK(hw.regs[0x20] == 0x00);  // stopped: power-down

  // A FIFO overrun (the loop stalled for 0.5 s at 100 Hz): the lost rows become a gap in the indices.
  hw.fifo.clear();
  host.send(hw.usb_in, TML_MSG_START, &start, sizeof start);
  wio_port_loop();
  hw.produce(50);
  hw.micros += 500000;
  for (int turn = 0; turn < 20; ++turn) {  // the loop turns much faster than the sensor samples
    for (int i = 0; i < 10; ++i) wio_port_loop();
    hw.produce(5);
    hw.micros += 50000;
  }
  msgs = host.drain(hw.usb_out);
  uint32_t expected = 0, gap = 0, rows = 0;
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES) {
      const auto h = as<tml_msg_samples>(m);
      gap += h.first_index - expected;
      expected = h.first_index + h.count;
      rows += h.count;
    }
  CHECK(gap == 18);  // 50 produced, 32 kept by the FIFO
  CHECK(rows + gap == 100);

  // Microphone: the DMA interrupt hands over blocks into a ring; an overflow is counted, never hidden,
  // and so is a block the hardware overwrote before a late interrupt.
  tml_msg_set_sensor mic{TML_SENSOR_MIC, {0, 0, 0}};
  host.send(hw.usb_in, TML_MSG_SET_SENSOR, &mic, sizeof mic);
  wio_port_loop();
  msgs = host.drain(hw.usb_out);
  REQUIRE(msgs.size() == 2);
  s = as<tml_msg_session>(msgs[1]);
  CHECK(s.sensor == TML_SENSOR_MIC);
  CHECK(s.rate_millihz == 16000000);
  tml_msg_start mic_start{8000, TML_START_SAMPLES};
  host.send(hw.usb_in, TML_MSG_START, &mic_start, sizeof mic_start);
  wio_port_loop();
  CHECK(hw.mic_rate == 16000);
  std::vector<uint16_t> block(250);
  uint32_t sent = 0;
  auto send_block = [&](uint32_t lost) {
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<uint16_t>(2048 + (sent + lost + i) % 1000);
    wio_port_mic_block(block.data(), block.size(), lost);
    sent += lost + static_cast<uint32_t>(block.size());
  };
  for (int b = 0; b < 20; ++b) send_block(0);  // 5000 samples: 4096 fit
  for (int turn = 0; turn < 20; ++turn) wio_port_loop();
  for (int b = 0; b < 4; ++b) send_block(0);
  send_block(256);  // one block lost in the hardware before this one
  for (int b = 0; b < 6; ++b) send_block(0);
  for (int turn = 0; turn < 30; ++turn) wio_port_loop();
  msgs = host.drain(hw.usb_out);
  expected = gap = rows = 0;
  std::vector<uint32_t> gaps_at;
  bool values_ok = true;
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES) {
      const auto h = as<tml_msg_samples>(m);
      if (h.first_index != expected) gaps_at.push_back(expected);
      gap += h.first_index - expected;
      expected = h.first_index + h.count;
      rows += h.count;
      for (uint32_t i = 0; i < h.count; ++i) {  // every sample sits at its stream index
        int16_t v;
        std::memcpy(&v, m.payload.data() + sizeof h + 2 * i, 2);
        values_ok = values_ok && v == wio_mic_pcm(static_cast<uint16_t>(2048 + (h.first_index + i) % 1000));
      }
    }
  CHECK(values_ok);
  CHECK(gap == (5000 - 4096) + 256);
  CHECK(gaps_at == std::vector<uint32_t>{4096, 6000});  // each loss where it happened
  CHECK(rows + gap == 8000);
  CHECK(hw.mic_rate == 0);  // stopped after the requested rows
}

TEST_CASE("the microphone's late DMA interrupts are counted in whole blocks of the right parity", "[wio]") {
  const uint32_t b = 16000;  // 256 samples at 16 kHz
  CHECK(wio_mic_blocks_lost(b, b, 0) == 0);          // on time
  CHECK(wio_mic_blocks_lost(b + 900, b, 0) == 0);    // jitter
  CHECK(wio_mic_blocks_lost(b / 2, b, 0) == 0);      // after a late one, the next comes early
  CHECK(wio_mic_blocks_lost(b * 3 / 2, b, 0) == 0);  // half a block late, the expected half: nothing lost
  CHECK(wio_mic_blocks_lost(0, b, 0) == 0);
  CHECK(wio_mic_blocks_lost(2 * b, b, 1) == 1);      // a block late: the other half arrived
  CHECK(wio_mic_blocks_lost(b * 3 / 2, b, 1) == 1);
  CHECK(wio_mic_blocks_lost(b, b, 1) == 1);          // the parity wins over the clock
  CHECK(wio_mic_blocks_lost(3 * b, b, 0) == 2);      // two blocks late: the same half again
  CHECK(wio_mic_blocks_lost(5 * b / 2, b, 0) == 2);
  CHECK(wio_mic_blocks_lost(4 * b + 100, b, 1) == 3);
  CHECK(wio_mic_blocks_lost(0, b, 1) == 1);
  CHECK(wio_mic_blocks_lost(123, 0, 1) == 1);
}
