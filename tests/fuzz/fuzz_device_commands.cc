// Fuzz target: the board's command loop (tml/device.h), fed what a damaged or hostile host might send.
// The first input byte configures a fake board (which sensors it has, paced or not, how many rows its
// sensor makes ready per poll (until 4 KB were sent), whether it drops rows or describes an impossible configuration), the
// second how many bytes arrive between two polls; the rest is the host-to-board byte stream. Checked:
//   - tml_device_poll never fails (the fake's link and sensors never do);
//   - everything the board sends decodes, frame after frame, with consecutive sequence numbers;
//   - every command frame the board's decoder accepts (a shadow decoder of the same size tells which)
//     gets exactly one ACK, in order, with its seq and type and a documented status;
//   - sessions are well formed; SAMPLES come only while a stream is on, in the session's sensor, format
//     and message size, with indices that never go back and never pass a counted START's row count;
//     a counted stream that completes is closed by a session saying streaming = 0;
//   - no PREDICTION from a board without a model.
#include <algorithm>
#include <cstring>
#include <deque>
#include <vector>

#include "fuzz_target.h"
#include "tml/device.h"

namespace {

constexpr size_t kMaxOutput = 4 * 1024;

struct FakeBoard {
  uint8_t sensors = 0;
  bool impossible = false;  // sensor_configure describes a configuration the device must refuse
  bool drops = false;
  uint32_t rows_per_read = 1;
  const uint8_t* in = nullptr;  // host -> board bytes available to read_byte
  size_t in_len = 0, in_pos = 0, in_limit = 0;
  std::vector<uint8_t> out;     // board -> host
  tml_sensor_config config{};
  uint32_t produced = 0, reads = 0;
  bool started = false;
};

int write(void* ctx, const uint8_t* data, size_t len) {
  auto* b = static_cast<FakeBoard*>(ctx);
  b->out.insert(b->out.end(), data, data + len);
  return TML_OK;
}

int read_byte(void* ctx) {
  auto* b = static_cast<FakeBoard*>(ctx);
  if (b->in_pos >= b->in_limit) return -1;
  return b->in[b->in_pos++];
}

void name_axis(tml_axis* a, const char* name, const char* unit) {
  std::memset(a, 0, sizeof *a);
  std::strncpy(a->name, name, sizeof a->name);
  std::strncpy(a->unit, unit, sizeof a->unit);
}

int sensor_configure(void* ctx, uint8_t sensor, uint32_t rate_millihz, tml_sensor_config* c) {
  auto* b = static_cast<FakeBoard*>(ctx);
  if (sensor >= TML_SENSOR_COUNT || !(b->sensors & (1u << sensor))) return TML_ERR_UNSUPPORTED;
  std::memset(c, 0, sizeof *c);
  c->sensor = sensor;
  if (sensor == TML_SENSOR_ACCEL) {
    c->sample_format = TML_FORMAT_F32;
    c->axis_count = 3;
    c->scale = 1;
    name_axis(&c->axes[0], "accx", "m/s2");
    name_axis(&c->axes[1], "accy", "m/s2");
    name_axis(&c->axes[2], "accz", "m/s2");
    c->rate_millihz = rate_millihz == 0 ? 100000 : (rate_millihz < 50000 ? 10000 : rate_millihz < 500000 ? 100000 : 1000000);
  } else {
    c->sample_format = TML_FORMAT_I16;
    c->axis_count = 1;
    c->scale = 1;
    name_axis(&c->axes[0], sensor == TML_SENSOR_MIC ? "audio" : "light", sensor == TML_SENSOR_MIC ? "PCM" : "lux");
    c->rate_millihz = sensor == TML_SENSOR_MIC ? 16000000 : (rate_millihz ? rate_millihz : 10000);
  }
  if (b->impossible && (rate_millihz & 1)) c->axis_count = 0;  // the device must refuse this
  b->config = *c;
  return TML_OK;
}

int sensor_start(void* ctx) {
  auto* b = static_cast<FakeBoard*>(ctx);
  b->produced = 0;
  b->started = true;
  return TML_OK;
}

int sensor_stop(void* ctx) {
  static_cast<FakeBoard*>(ctx)->started = false;
  return TML_OK;
}

int sensor_read(void* ctx, void* out, size_t max_rows, uint32_t* dropped) {
  auto* b = static_cast<FakeBoard*>(ctx);
  TML_FUZZ_CHECK(b->started);
  *dropped = 0;
  // Once the board has sent kMaxOutput bytes the sensor has no more rows (as one whose host reads slowly):
  // the commands after that are still answered, and every input costs a bounded time (a long input read a
  // byte per poll while streaming would otherwise make megabytes of SAMPLES to check).
  if (b->out.size() >= kMaxOutput) return 0;
  size_t n = b->rows_per_read < max_rows ? b->rows_per_read : max_rows;
  if (b->drops && ++b->reads % 5 == 0) *dropped = 3;
  const size_t width = tml_sample_format_size(b->config.sample_format);
  std::memset(out, 0x5A, n * width * b->config.axis_count);
  b->produced += static_cast<uint32_t>(n) + *dropped;
  return static_cast<int>(n);
}

// What the host side knows of the board's state from what it sent.
struct Expect {
  bool have_session = false;
  tml_msg_session session{};
  bool streaming = false;    // between START's ACK (ok) and STOP's ACK, or the closing session
  bool counted = false;      // the stream was asked for a row count
  uint32_t row_limit = 0;
  uint32_t next_index = 0;   // the lowest index the next SAMPLES may carry
  bool complete = false;     // a counted stream sent all its rows
  bool drops = false;        // the sensor drops rows: indices may jump, a stream may end on dropped rows
};

struct Command {
  uint8_t type;
  uint32_t seq;
  std::vector<uint8_t> payload;
};

void check_output(const std::vector<uint8_t>& out, std::deque<Command>& commands, Expect& e) {
  std::vector<uint8_t> buf(TML_FRAME_DECODER_BUFFER_SIZE);
  tml_frame_decoder d;
  tml_frame_decoder_init(&d, buf.data(), buf.size());
  uint32_t next_seq = 0;
  for (uint8_t byte : out) {
    tml_frame f;
    const int r = tml_frame_decoder_push(&d, byte, &f);
    if (r == TML_ERR_AGAIN) continue;
    TML_FUZZ_CHECK(r == TML_FRAME_READY);
    TML_FUZZ_CHECK(f.seq == next_seq);
    ++next_seq;
    switch (f.type) {
      case TML_MSG_ACK: {
        tml_msg_ack a;
        TML_FUZZ_CHECK(f.payload_len == sizeof a);
        std::memcpy(&a, f.payload, sizeof a);
        TML_FUZZ_CHECK(!commands.empty());
        const Command c = commands.front();
        commands.pop_front();
        TML_FUZZ_CHECK(a.command_seq == c.seq && a.command_type == c.type);
        TML_FUZZ_CHECK(a.status == TML_OK || a.status == TML_ERR_ARG || a.status == TML_ERR_UNSUPPORTED ||
                       a.status == TML_ERR_FORMAT || a.status == TML_ERR_STATE);
        if (c.type == TML_MSG_START && a.status == TML_OK) {
          TML_FUZZ_CHECK(!e.streaming);
          tml_msg_start m{0, TML_START_SAMPLES};
          if (!c.payload.empty()) std::memcpy(&m, c.payload.data(), std::min(c.payload.size(), sizeof m));
          TML_FUZZ_CHECK(m.flags == TML_START_SAMPLES);  // PREDICT is refused without a model
          e.streaming = true;
          e.counted = m.rows != 0;
          e.row_limit = m.rows;
          e.next_index = 0;
          e.complete = false;
        }
        if (c.type == TML_MSG_START && a.status == TML_ERR_STATE) TML_FUZZ_CHECK(e.streaming);
        if (c.type == TML_MSG_STOP) {
          TML_FUZZ_CHECK(a.status == TML_OK);
          e.streaming = false;
        }
        break;
      }
      case TML_MSG_SESSION: {
        tml_msg_session s;
        TML_FUZZ_CHECK(f.payload_len == sizeof s);
        std::memcpy(&s, f.payload, sizeof s);
        TML_FUZZ_CHECK(s.protocol_version == TML_PROTOCOL_VERSION);
        TML_FUZZ_CHECK(s.axis_count >= 1 && s.axis_count <= TML_MAX_AXES);
        TML_FUZZ_CHECK(tml_sample_format_size(s.sample_format) != 0 && s.rate_millihz > 0);
        TML_FUZZ_CHECK(s.samples_per_message >= 1 &&
                       size_t{s.samples_per_message} * s.axis_count * tml_sample_format_size(s.sample_format) <=
                           TML_SAMPLES_MAX_DATA);
        TML_FUZZ_CHECK(s.streaming <= 1);
        if (e.streaming && !s.streaming) {  // a counted stream ends by itself
          TML_FUZZ_CHECK(e.counted && (e.complete || e.drops));
          e.streaming = false;
        }
        if (s.streaming) TML_FUZZ_CHECK(e.streaming);
        e.session = s;
        e.have_session = true;
        break;
      }
      case TML_MSG_SAMPLES: {
        tml_msg_samples h;
        TML_FUZZ_CHECK(e.streaming && e.have_session && f.payload_len >= sizeof h);
        std::memcpy(&h, f.payload, sizeof h);
        const size_t width = tml_sample_format_size(e.session.sample_format);
        TML_FUZZ_CHECK(h.sensor == e.session.sensor && h.sample_format == e.session.sample_format);
        TML_FUZZ_CHECK(h.count >= 1 && h.count <= e.session.samples_per_message);
        TML_FUZZ_CHECK(f.payload_len == sizeof h + size_t{h.count} * e.session.axis_count * width);
        TML_FUZZ_CHECK(e.drops ? h.first_index >= e.next_index : h.first_index == e.next_index);
        e.next_index = h.first_index + h.count;
        if (e.counted) {
          TML_FUZZ_CHECK(e.next_index <= e.row_limit);
          if (e.next_index == e.row_limit) e.complete = true;
        }
        break;
      }
      case TML_MSG_LOG: break;
      default: TML_FUZZ_CHECK(!"a message type the board does not send");
    }
  }
}

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  FakeBoard b;
  const uint8_t cfg = data[0];
  static const uint8_t kSensorSets[4] = {1u << TML_SENSOR_ACCEL, (1u << TML_SENSOR_ACCEL) | (1u << TML_SENSOR_MIC),
                                         (1u << TML_SENSOR_MIC) | (1u << TML_SENSOR_LIGHT), 0x0E};
  b.sensors = kSensorSets[cfg & 3];
  const bool unpaced = (cfg & 4) != 0;
  b.rows_per_read = 1u + ((cfg >> 3) & 7u) * 37u;
  b.drops = (cfg & 0x40) != 0;
  b.impossible = (cfg & 0x80) != 0;
  const size_t chunk = 1 + data[1] % 16;
  b.in = data + 2;
  b.in_len = size - 2;

  tml_board_ops ops = {&b, write, read_byte, sensor_configure, sensor_start, sensor_stop, sensor_read};
  tml_device_identity id = {"fuzz-board", "0.0.0", b.sensors,
                            static_cast<uint8_t>((b.sensors & 2) ? TML_SENSOR_ACCEL : TML_SENSOR_MIC),
                            unpaced ? TML_SESSION_FLAG_UNPACED : 0u, 0};
  tml_device dev;
  if (tml_device_init(&dev, &ops, &id) != TML_OK) return 0;

  // The shadow decoder: the frames the board's decoder accepts, each a command to be acknowledged.
  std::vector<uint8_t> shadow_buf(sizeof dev.rx_buf);
  tml_frame_decoder shadow;
  tml_frame_decoder_init(&shadow, shadow_buf.data(), shadow_buf.size());
  std::deque<Command> commands;
  for (size_t i = 0; i < b.in_len; ++i) {
    tml_frame f;
    const int r = tml_frame_decoder_push(&shadow, b.in[i], &f);
    if (r == TML_FRAME_READY || r == TML_FRAME_GAP)
      commands.push_back({f.type, f.seq, std::vector<uint8_t>(f.payload, f.payload + f.payload_len)});
  }

  while (b.in_limit < b.in_len) {
    b.in_limit = b.in_limit + chunk < b.in_len ? b.in_limit + chunk : b.in_len;
    TML_FUZZ_CHECK(tml_device_poll(&dev) == TML_OK);
  }
  for (int i = 0; i < 64; ++i) TML_FUZZ_CHECK(tml_device_poll(&dev) == TML_OK);
  TML_FUZZ_CHECK(b.in_pos == b.in_len);

  Expect e;
  e.drops = b.drops;
  check_output(b.out, commands, e);
  TML_FUZZ_CHECK(commands.empty());  // every accepted command was acknowledged
  return 0;
}
