// Talking to a board in frames: sends commands, waits for their ACKs, and hands out everything else the
// board sends (session headers, sample batches, predictions, log lines). Frames are decoded by the
// firmware's own codec (tml/protocol/frame.h), so host and board agree on every byte.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "link/transport.h"
#include "tml/protocol/frame.h"
#include "tml/protocol/messages.h"
#include "tml/trainer/error.h"

namespace tml::link {

// A decoded TML_MSG_SESSION.
struct Session {
  int protocol_version = 0;
  int sensor = 0;
  int sample_format = 0;
  uint32_t rate_millihz = 0;
  float scale = 1;
  int samples_per_message = 0;
  bool streaming = false;
  uint8_t sensors_available = 0;
  uint32_t model_hash = 0;
  uint32_t flags = 0;
  std::string board;
  std::string firmware;
  std::vector<dataset::Axis> axes;

  double rate_hz() const { return rate_millihz / 1000.0; }
  std::string device() const { return board + " " + firmware; }  // "mps2-an386 0.1.0"
  std::string format_name() const;                                // "i16", "f32"
};

// Parses and validates a session payload; throws tml::Error if it is malformed.
Session parse_session(const uint8_t* payload, size_t len);

struct Message {
  uint8_t type = 0;
  uint32_t seq = 0;
  std::vector<uint8_t> payload;
};

// A TML_MSG_SAMPLES, checked against the session: values converted to physical units (raw * scale).
struct SampleBatch {
  uint32_t first_index = 0;
  uint32_t count = 0;
  std::vector<float> values;  // count x axes
};
SampleBatch parse_samples(const Message& m, const Session& session);

// The board answered a command with a negative status (it is there, and said no).
struct Refused : Error {
  using Error::Error;
};

// The ACK in a message, or nullopt if the message is not a well-formed ACK.
std::optional<tml_msg_ack> parse_ack(const Message& m);

class BoardLink {
 public:
  explicit BoardLink(Transport& transport);

  // Next message from the board (ACKs included), or nullopt after timeout_ms without one. Rejected
  // frames are counted in stats() and skipped.
  std::optional<Message> receive(int timeout_ms);

  // Sends a command and waits for its ACK; other messages that arrive meanwhile are queued for
  // receive(). Throws Refused on a negative status, tml::Error when no ACK comes within timeout_ms.
  void command(uint8_t type, const void* payload = nullptr, size_t len = 0, int timeout_ms = 3000);

  // Sends a command (after a lone 0x00 that ends any remnant in the board's decoder) without waiting for its
  // ACK (which receive() then returns); returns its seq.
  uint32_t send(uint8_t type, const void* payload = nullptr, size_t len = 0);

  // Stops any stream, asks the board who it is, and returns its session header. Retries HELLO until
  // the board answers (bytes sent before a board's firmware is listening are lost). Resets stats().
  Session hello(int timeout_ms = 5000);

  // Selects a sensor / rate and returns the session header the board answers with. HELLO, SET_SENSOR
  // and SET_RATE are asked again (up to 3 times) when their ACK or the session header gets lost.
  Session set_sensor(int sensor);
  Session set_rate(uint32_t rate_millihz);

  // The last session header seen.
  const std::optional<Session>& session() const { return session_; }
  const tml_frame_stats& stats() const { return decoder_.stats; }
  uint64_t bytes_received() const { return bytes_; }
  void reset_stats() { tml_frame_decoder_reset_stream(&decoder_); }
  Transport& transport() { return transport_; }

 private:
  std::optional<Message> decode_next(int timeout_ms);
  Session wait_session(int timeout_ms);
  Session ask_session(uint8_t type, const void* payload, size_t len, int timeout_ms);

  Transport& transport_;
  std::vector<uint8_t> frame_buf_;
  tml_frame_decoder decoder_{};
  std::vector<uint8_t> rx_;  // bytes read but not yet decoded
  size_t rx_pos_ = 0;
  uint32_t tx_seq_ = 0;
  uint64_t bytes_ = 0;
  std::deque<Message> queued_;
  std::optional<Session> session_;
};

}  // namespace tml::link
