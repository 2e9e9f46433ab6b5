// The Wio Terminal port (wio_port.cpp) built on the host with a model header, against a fake of its
// hardware layer (wio_hw.h): the LIS3DH's FIFO replays raw accelerometer rows from a file. Built and run by
// tests/e2e/test_wio_build.cc (the model is trained at test time, so this cannot be a CMake target).
//
// Usage: wio_stream_check ROWS_FILE   (one row per line: three raw 16-bit LIS3DH counts)
// Prints what the board said, one line each:
//   session sensor=<n> rate_millihz=<n> flags=<n> hash=<hex>
//   ack type=<n> status=<n>
//   log <text>
//   prediction first=<index> top=<n> scores=<s0>,<s1>,...
//   samples <rows>
#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <vector>

#include "tml/protocol/frame.h"
#include "tml/protocol/messages.h"
#include "wio_hw.h"
#include "wio_port.h"

namespace {

struct Fake {
  uint32_t micros = 0;
  std::vector<uint8_t> out;
  std::deque<uint8_t> in;
  uint8_t regs[128] = {};
  std::deque<std::array<int16_t, 3>> fifo;
  bool overrun = false;
} hw;

}  // namespace

extern "C" {
void wio_hw_init(void) { hw.regs[0x0F] = 0x33; }
uint32_t wio_hw_micros(void) { return hw.micros; }
int wio_hw_usb_write(const uint8_t* data, size_t len) {
  hw.out.insert(hw.out.end(), data, data + len);
  return 0;
}
int wio_hw_usb_read_byte(void) {
  if (hw.in.empty()) return -1;
  const int b = hw.in.front();
  hw.in.pop_front();
  return b;
}
int wio_hw_i2c_write(uint8_t addr, uint8_t reg, uint8_t value) {
  if (addr != 0x18) return -8;
  hw.regs[reg & 0x7F] = value;
  return 0;
}
int wio_hw_i2c_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t len) {
  if (addr != 0x18) return -8;
  if (reg == 0x2F) {
    out[0] = static_cast<uint8_t>((hw.overrun ? 0x40 : 0) | (hw.fifo.size() >= 32 ? 0x3F : hw.fifo.size()));
    hw.overrun = false;
    return 0;
  }
  if (reg == (0x28 | 0x80)) {
    for (size_t i = 0; i < len / 6; ++i) {
      if (hw.fifo.empty()) return -8;
      std::memcpy(out + i * 6, hw.fifo.front().data(), 6);
      hw.fifo.pop_front();
    }
    return 0;
  }
  out[0] = hw.regs[reg & 0x7F];
  return 0;
}
uint16_t wio_hw_light_read(void) { return 0; }
void wio_hw_mic_start(uint32_t) {}
void wio_hw_mic_stop(void) {}
}

namespace {

std::vector<uint8_t> g_decoder_buf(TML_FRAME_DECODER_BUFFER_SIZE);
tml_frame_decoder g_decoder;
size_t g_consumed = 0;
uint32_t g_samples = 0;

void send(uint8_t type, const void* payload, size_t len) {
  static uint32_t seq = 1;
  std::vector<uint8_t> buf(TML_FRAME_ENCODED_MAX(64));
  const tml_bytes part = {payload, len};
  const int n = tml_frame_encode(type, seq++, &part, len ? 1 : 0, buf.data(), buf.size());
  if (n > 0) hw.in.insert(hw.in.end(), buf.begin(), buf.begin() + n);
}

void drain() {
  for (; g_consumed < hw.out.size(); ++g_consumed) {
    tml_frame f;
    if (tml_frame_decoder_push(&g_decoder, hw.out[g_consumed], &f) != TML_FRAME_READY) continue;
    if (f.type == TML_MSG_SESSION && f.payload_len >= sizeof(tml_msg_session)) {
      tml_msg_session s;
      std::memcpy(&s, f.payload, sizeof s);
      std::printf("session sensor=%u rate_millihz=%u flags=%u hash=%08x\n", s.sensor, s.rate_millihz, s.flags, s.model_hash);
    } else if (f.type == TML_MSG_ACK && f.payload_len >= sizeof(tml_msg_ack)) {
      tml_msg_ack a;
      std::memcpy(&a, f.payload, sizeof a);
      std::printf("ack type=%u status=%d\n", a.command_type, a.status);
    } else if (f.type == TML_MSG_LOG) {
      std::printf("log %.*s\n", static_cast<int>(f.payload_len), reinterpret_cast<const char*>(f.payload));
    } else if (f.type == TML_MSG_PREDICTION && f.payload_len >= sizeof(tml_msg_prediction)) {
      tml_msg_prediction p;
      std::memcpy(&p, f.payload, sizeof p);
      std::printf("prediction first=%u top=%u scores=", p.first_index, p.top);
      for (size_t i = sizeof p; i < f.payload_len; ++i)
        std::printf("%s%d", i == sizeof p ? "" : ",", static_cast<int8_t>(f.payload[i]));
      std::printf("\n");
    } else if (f.type == TML_MSG_SAMPLES && f.payload_len >= sizeof(tml_msg_samples)) {
      tml_msg_samples h;
      std::memcpy(&h, f.payload, sizeof h);
      g_samples += h.count;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::vector<std::array<int16_t, 3>> rows;
  std::ifstream in(argv[1]);
  int x, y, z;
  while (in >> x >> y >> z) rows.push_back({static_cast<int16_t>(x), static_cast<int16_t>(y), static_cast<int16_t>(z)});
  tml_frame_decoder_init(&g_decoder, g_decoder_buf.data(), g_decoder_buf.size());

  wio_port_setup();
  drain();
  const tml_msg_start start{static_cast<uint32_t>(rows.size()), TML_START_SAMPLES | TML_START_PREDICT};
  send(TML_MSG_START, &start, sizeof start);
  wio_port_loop();
  drain();
  // The sensor at its configured rate (CTRL_REG1's ODR bits: 5 = 100 Hz): a row every 10 ms, the loop
  // turning every 5 ms.
  const uint32_t odr = hw.regs[0x20] >> 4;
  const uint32_t period_us = odr == 5 ? 10000 : odr == 6 ? 5000 : odr == 4 ? 20000 : 0;
  size_t next = 0;
  for (int turn = 0; period_us && turn < static_cast<int>(rows.size()) * 2 + 200; ++turn) {
    hw.micros += period_us / 2;
    if (turn % 2 == 1 && next < rows.size()) {
      if (hw.fifo.size() == 32) {
        hw.fifo.pop_front();
        hw.overrun = true;
      }
      hw.fifo.push_back(rows[next++]);
    }
    wio_port_loop();
    drain();
  }
  std::printf("samples %u\n", g_samples);
  return 0;
}
