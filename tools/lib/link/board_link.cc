#include "link/board_link.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

#include "tml/device.h"
#include "tml/trainer/error.h"

namespace tml::link {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string fixed_string(const char* p, size_t cap) {
  size_t n = 0;
  while (n < cap && p[n]) ++n;
  return std::string(p, n);
}

const char* msg_name(uint8_t type) {
  switch (type) {
    case TML_MSG_HELLO: return "HELLO";
    case TML_MSG_SET_SENSOR: return "SET_SENSOR";
    case TML_MSG_SET_RATE: return "SET_RATE";
    case TML_MSG_START: return "START";
    case TML_MSG_STOP: return "STOP";
    default: return "command";
  }
}

}  // namespace

std::string Session::format_name() const {
  switch (sample_format) {
    case TML_FORMAT_I16: return "i16";
    case TML_FORMAT_F32: return "f32";
    default: return "unknown";
  }
}

Session parse_session(const uint8_t* payload, size_t len) {
  tml_msg_session m;
  if (len != sizeof m) throw Error("malformed session header from the board (" + std::to_string(len) + " bytes)");
  std::memcpy(&m, payload, sizeof m);
  if (m.protocol_version != TML_PROTOCOL_VERSION)
    throw Error("the board speaks protocol version " + std::to_string(m.protocol_version) + ", this tml speaks " +
                std::to_string(TML_PROTOCOL_VERSION) + "; update the firmware or tml");
  if (m.axis_count < 1 || m.axis_count > TML_MAX_AXES || tml_sample_format_size(m.sample_format) == 0 ||
      m.rate_millihz == 0)
    throw Error("malformed session header from the board (axes, format or rate out of range)");
  Session s;
  s.protocol_version = m.protocol_version;
  s.sensor = m.sensor;
  s.sample_format = m.sample_format;
  s.rate_millihz = m.rate_millihz;
  s.scale = m.scale;
  s.samples_per_message = m.samples_per_message;
  s.streaming = m.streaming != 0;
  s.sensors_available = m.sensors_available;
  s.model_hash = m.model_hash;
  s.flags = m.flags;
  s.board = fixed_string(m.board, sizeof m.board);
  s.firmware = fixed_string(m.firmware, sizeof m.firmware);
  for (int i = 0; i < m.axis_count; ++i)
    s.axes.push_back({fixed_string(m.axes[i].name, sizeof m.axes[i].name), fixed_string(m.axes[i].unit, sizeof m.axes[i].unit)});
  return s;
}

SampleBatch parse_samples(const Message& m, const Session& session) {
  tml_msg_samples h;
  if (m.payload.size() < sizeof h) throw Error("malformed sample message from the board");
  std::memcpy(&h, m.payload.data(), sizeof h);
  const size_t axes = session.axes.size();
  const size_t width = tml_sample_format_size(h.sample_format);
  if (h.sample_format != session.sample_format || h.sensor != session.sensor ||
      m.payload.size() != sizeof h + size_t{h.count} * axes * width)
    throw Error("sample message does not match the session header (sensor, format or length)");
  SampleBatch b;
  b.first_index = h.first_index;
  b.count = h.count;
  b.values.resize(size_t{h.count} * axes);
  const uint8_t* p = m.payload.data() + sizeof h;
  for (size_t i = 0; i < b.values.size(); ++i, p += width) {
    if (h.sample_format == TML_FORMAT_F32) {
      std::memcpy(&b.values[i], p, 4);
    } else {
      int16_t v;
      std::memcpy(&v, p, 2);
      b.values[i] = session.scale == 1.0f ? static_cast<float>(v) : static_cast<float>(v) * session.scale;
    }
  }
  return b;
}

std::optional<tml_msg_ack> parse_ack(const Message& m) {
  if (m.type != TML_MSG_ACK || m.payload.size() != sizeof(tml_msg_ack)) return std::nullopt;
  tml_msg_ack a;
  std::memcpy(&a, m.payload.data(), sizeof a);
  return a;
}

BoardLink::BoardLink(Transport& transport) : transport_(transport), frame_buf_(TML_FRAME_DECODER_BUFFER_SIZE) {
  tml_frame_decoder_init(&decoder_, frame_buf_.data(), frame_buf_.size());
  rx_.reserve(1 << 16);
}

std::optional<Message> BoardLink::decode_next(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    while (rx_pos_ < rx_.size()) {
      tml_frame f;
      const int r = tml_frame_decoder_push(&decoder_, rx_[rx_pos_++], &f);
      if (r == TML_FRAME_READY || r == TML_FRAME_GAP) {
        if (r == TML_FRAME_GAP) spdlog::debug("{} frame(s) lost before seq {}", f.lost, f.seq);
        Message m;
        m.type = f.type;
        m.seq = f.seq;
        m.payload.assign(f.payload, f.payload + f.payload_len);
        if (m.type == TML_MSG_SESSION) session_ = parse_session(m.payload.data(), m.payload.size());
        return m;
      }
      if (r != TML_ERR_AGAIN) spdlog::debug("rejected frame: {}", tml_status_str(r));
    }
    rx_.resize(1 << 16);
    rx_pos_ = 0;
    const size_t n = transport_.read(rx_.data(), rx_.size(), ms_left(deadline));
    rx_.resize(n);
    bytes_ += n;
    if (n == 0 && ms_left(deadline) == 0) return std::nullopt;
  }
}

std::optional<Message> BoardLink::receive(int timeout_ms) {
  if (!queued_.empty()) {
    Message m = std::move(queued_.front());
    queued_.pop_front();
    return m;
  }
  return decode_next(timeout_ms);
}

uint32_t BoardLink::send(uint8_t type, const void* payload, size_t len) {
  const uint32_t seq = tx_seq_++;
  const tml_bytes part = {payload, len};
  // A lone 0x00 first: it ends whatever the board's decoder holds (an earlier command whose delimiter was
  // damaged, noise), so that remnant is rejected alone and this command arrives whole. An empty frame is
  // ignored by the board.
  uint8_t buf[1 + TML_FRAME_ENCODED_MAX(TML_DEVICE_MAX_COMMAND_PAYLOAD)];
  buf[0] = 0;
  const int n = tml_frame_encode(type, seq, &part, len ? 1 : 0, buf + 1, sizeof buf - 1);
  check_status(n, "cannot encode a command");
  transport_.write(buf, static_cast<size_t>(n) + 1);
  return seq;
}

void BoardLink::command(uint8_t type, const void* payload, size_t len, int timeout_ms) {
  const uint32_t seq = send(type, payload, len);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string said;  // what the board logged while handling the command: the reason of a refusal
  while (ms_left(deadline) > 0) {
    auto m = decode_next(ms_left(deadline));
    if (!m) break;
    if (m->type == TML_MSG_ACK && m->payload.size() == sizeof(tml_msg_ack)) {
      tml_msg_ack a;
      std::memcpy(&a, m->payload.data(), sizeof a);
      if (a.command_seq == seq && a.command_type == type) {
        if (a.status < 0)
          throw Refused(std::string("the board refused ") + msg_name(type) + ": " + tml_status_str(a.status) +
                      (said.empty() ? "" : " (" + said + ")"));
        return;
      }
      continue;  // an ACK for an earlier, abandoned command
    }
    if (m->type == TML_MSG_LOG) said = std::string(m->payload.begin(), m->payload.end());
    queued_.push_back(std::move(*m));
  }
  throw Error(std::string("the board did not answer ") + msg_name(type) + " within " + std::to_string(timeout_ms) +
              " ms (" + transport_.name() + ")");
}

Session BoardLink::wait_session(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ms_left(deadline) > 0) {
    // Queued messages first: the session may have arrived while waiting for an ACK.
    while (!queued_.empty()) {
      Message m = std::move(queued_.front());
      queued_.pop_front();
      if (m.type == TML_MSG_SESSION) return parse_session(m.payload.data(), m.payload.size());
    }
    auto m = decode_next(ms_left(deadline));
    if (!m) break;
    if (m->type == TML_MSG_SESSION) return parse_session(m->payload.data(), m->payload.size());
  }
  throw Error("the board sent no session header (" + transport_.name() + ")");
}

Session BoardLink::hello(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // A lone delimiter flushes whatever the board's decoder holds.
  const uint8_t sync = 0;
  transport_.write(&sync, 1);
  for (;;) {
    try {
      command(TML_MSG_STOP, nullptr, 0, std::min(300, std::max(1, ms_left(deadline))));
      break;
    } catch (const Error&) {
      if (ms_left(deadline) == 0)
        throw Error("no answer from a tml board on " + transport_.name() +
                    " (is the tml firmware running on it? for a sketch that prints numbers, use --text)");
    }
  }
  queued_.clear();
  // The board answers within milliseconds once STOP was confirmed: a HELLO or session header lost on the
  // link is asked again after a third of what is left, not after all of it.
  Session s = ask_session(TML_MSG_HELLO, nullptr, 0, std::max(1000, ms_left(deadline) / 3));
  reset_stats();
  return s;
}

Session BoardLink::ask_session(uint8_t type, const void* payload, size_t len, int timeout_ms) {
  // The command is idempotent: when its ACK or the session header after it is lost, it is asked again.
  for (int attempt = 1;; ++attempt) {
    try {
      queued_.clear();
      command(type, payload, len, timeout_ms);
      return wait_session(timeout_ms);
    } catch (const Refused&) {
      throw;
    } catch (const Error& e) {
      if (attempt == 3) throw;
      spdlog::warn("{}; asking again", e.what());
    }
  }
}

Session BoardLink::set_sensor(int sensor) {
  tml_msg_set_sensor m{};
  m.sensor = static_cast<uint8_t>(sensor);
  return ask_session(TML_MSG_SET_SENSOR, &m, sizeof m, 3000);
}

Session BoardLink::set_rate(uint32_t rate_millihz) {
  tml_msg_set_rate m{};
  m.rate_millihz = rate_millihz;
  return ask_session(TML_MSG_SET_RATE, &m, sizeof m, 3000);
}

}  // namespace tml::link
