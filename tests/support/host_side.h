// The host's end of a board's byte stream in unit tests: decodes what a board sent into messages and
// encodes commands for it, with the firmware's own frame codec.
#pragma once

#include <catch2/catch.hpp>
#include <cstring>
#include <deque>
#include <vector>

#include "tml/protocol/frame.h"
#include "tml/protocol/messages.h"

namespace tml::test {

struct Msg {
  uint8_t type;
  uint32_t seq;
  std::vector<uint8_t> payload;
};

class HostSide {
 public:
  HostSide() { tml_frame_decoder_init(&dec_, buf_.data(), buf_.size()); }

  // Decodes the bytes of `tx` not seen yet. In memory nothing is lost or corrupted, so anything but a
  // clean frame fails the test.
  std::vector<Msg> drain(const std::vector<uint8_t>& tx) {
    std::vector<Msg> out;
    for (; consumed_ < tx.size(); ++consumed_) {
      tml_frame f;
      const int s = tml_frame_decoder_push(&dec_, tx[consumed_], &f);
      REQUIRE((s == TML_ERR_AGAIN || s == TML_FRAME_READY));
      if (s == TML_FRAME_READY) out.push_back({f.type, f.seq, {f.payload, f.payload + f.payload_len}});
    }
    return out;
  }

  // Appends an encoded command to `rx` (the board's receive queue); returns its seq.
  uint32_t send(std::deque<uint8_t>& rx, uint8_t type, const void* payload = nullptr, size_t len = 0) {
    std::vector<uint8_t> out(TML_FRAME_ENCODED_MAX(64));
    const tml_bytes part = {payload, len};
    const int n = tml_frame_encode(type, seq_, &part, len ? 1 : 0, out.data(), out.size());
    REQUIRE(n > 0);
    rx.insert(rx.end(), out.begin(), out.begin() + n);
    return seq_++;
  }

 private:
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(TML_FRAME_DECODER_BUFFER_SIZE);
  tml_frame_decoder dec_{};
  size_t consumed_ = 0;
  uint32_t seq_ = 100;
};

// A message payload as a struct (copied: payloads may be unaligned).
template <typename T>
T as(const Msg& m) {
  T v;
  REQUIRE(m.payload.size() >= sizeof v);
  std::memcpy(&v, m.payload.data(), sizeof v);
  return v;
}

}  // namespace tml::test
