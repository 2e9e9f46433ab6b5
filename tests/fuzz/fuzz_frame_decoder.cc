// Fuzz target: the frame codec (tml/protocol/frame.h), the first code every received byte meets on both
// sides. The input is a byte stream as it might arrive from a damaged link. Checked for every input:
//   - each push returns a documented result, and the decoder's totals count exactly those results;
//   - a delivered frame's payload lies inside the decoder's buffer and re-encodes to a frame that
//     decodes to the same type, seq and payload;
//   - a small decoder (a board's command buffer) and a full-size one agree on every frame that fits both;
//   - after the stream, one 0x00 and a good frame are always received intact (resynchronisation);
//   - encoding any payload (a slice of the input) round-trips and never writes a 0x00 before the end.
#include <cstring>
#include <vector>

#include "fuzz_target.h"
#include "tml/protocol/frame.h"

namespace {

struct Decoder {
  std::vector<uint8_t> buf;
  tml_frame_decoder d{};
  uint32_t ready = 0, gaps = 0, lost = 0, crc = 0, oversize = 0, format = 0, version = 0;
  explicit Decoder(size_t cap) : buf(cap) { TML_FUZZ_CHECK(tml_frame_decoder_init(&d, buf.data(), cap) == TML_OK); }

  // Pushes one byte; returns the frame result (READY, GAP, a negative status or AGAIN).
  int push(uint8_t byte, tml_frame* f) {
    const int r = tml_frame_decoder_push(&d, byte, f);
    switch (r) {
      case TML_FRAME_READY: ++ready; break;
      case TML_FRAME_GAP:
        ++gaps;
        TML_FUZZ_CHECK(f->lost > 0 && f->lost < 0x80000000u);
        lost += f->lost;
        break;
      case TML_ERR_CRC: ++crc; break;
      case TML_ERR_BUFFER: ++oversize; break;
      case TML_ERR_FORMAT: ++format; break;
      case TML_ERR_VERSION: ++version; break;
      case TML_ERR_AGAIN: break;
      default: TML_FUZZ_CHECK(!"an undocumented result");
    }
    if (r != TML_ERR_AGAIN) TML_FUZZ_CHECK(byte == 0x00);  // results come only at a delimiter
    if (r == TML_FRAME_READY || r == TML_FRAME_GAP) {
      TML_FUZZ_CHECK(f->payload == buf.data() + TML_FRAME_HEADER_SIZE);
      TML_FUZZ_CHECK(TML_FRAME_RAW_SIZE(size_t{f->payload_len}) <= buf.size());
      TML_FUZZ_CHECK(f->payload_len <= TML_FRAME_MAX_PAYLOAD);
    }
    const tml_frame_stats& s = d.stats;
    TML_FUZZ_CHECK(s.frames == ready + gaps);
    TML_FUZZ_CHECK(s.lost == lost);
    TML_FUZZ_CHECK(s.crc_errors == crc);
    TML_FUZZ_CHECK(s.oversize == oversize);
    TML_FUZZ_CHECK(s.format_errors == format + version);
    return r;
  }
};

// Encodes (type, seq, payload) and checks the wire bytes.
std::vector<uint8_t> encode(uint8_t type, uint32_t seq, const uint8_t* payload, size_t len) {
  std::vector<uint8_t> out(TML_FRAME_ENCODED_MAX(TML_FRAME_MAX_PAYLOAD));
  const tml_bytes part = {payload, len};
  const int n = tml_frame_encode(type, seq, &part, len ? 1 : 0, out.data(), out.size());
  if (len > TML_FRAME_MAX_PAYLOAD) {
    TML_FUZZ_CHECK(n == TML_ERR_ARG);
    return {};
  }
  TML_FUZZ_CHECK(n > 0 && static_cast<size_t>(n) <= TML_FRAME_ENCODED_MAX(len));
  out.resize(static_cast<size_t>(n));
  TML_FUZZ_CHECK(out.back() == 0x00);
  TML_FUZZ_CHECK(std::memchr(out.data(), 0, out.size() - 1) == nullptr);
  // One byte less than needed is refused, never overrun.
  std::vector<uint8_t> small(out.size() - 1);
  TML_FUZZ_CHECK(tml_frame_encode(type, seq, &part, len ? 1 : 0, small.data(), small.size()) == TML_ERR_BUFFER);
  return out;
}

// Feeds `wire` to `d` and checks that it yields exactly the frame (type, seq, payload).
void expect_frame(Decoder& d, const std::vector<uint8_t>& wire, uint8_t type, uint32_t seq, const uint8_t* payload,
                  size_t len) {
  int results = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    tml_frame f;
    const int r = d.push(wire[i], &f);
    if (r == TML_ERR_AGAIN) continue;
    ++results;
    TML_FUZZ_CHECK(i + 1 == wire.size());
    TML_FUZZ_CHECK(r == TML_FRAME_READY || r == TML_FRAME_GAP);
    TML_FUZZ_CHECK(f.type == type && f.seq == seq && f.payload_len == len);
    TML_FUZZ_CHECK(len == 0 || std::memcmp(f.payload, payload, len) == 0);
  }
  TML_FUZZ_CHECK(results == 1);
}

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  Decoder big(TML_FRAME_DECODER_BUFFER_SIZE);
  Decoder small(TML_FRAME_RAW_SIZE(32));  // a board's command buffer (TML_DEVICE_MAX_COMMAND_PAYLOAD)
  for (size_t i = 0; i < size; ++i) {
    tml_frame fb, fs;
    const int rb = big.push(data[i], &fb);
    const int rs = small.push(data[i], &fs);
    if (rb == TML_FRAME_READY || rb == TML_FRAME_GAP) {
      // Every delivered frame re-encodes to bytes that decode to it again.
      const std::vector<uint8_t> payload(fb.payload, fb.payload + fb.payload_len);
      Decoder again(TML_FRAME_DECODER_BUFFER_SIZE);
      expect_frame(again, encode(fb.type, fb.seq, payload.data(), payload.size()), fb.type, fb.seq,
                   payload.data(), payload.size());
      // A frame that fits the small buffer is delivered by both, identically.
      if (TML_FRAME_RAW_SIZE(size_t{fb.payload_len}) <= small.buf.size()) {
        TML_FUZZ_CHECK(rs == TML_FRAME_READY || rs == TML_FRAME_GAP);
        TML_FUZZ_CHECK(fs.type == fb.type && fs.seq == fb.seq && fs.payload_len == fb.payload_len);
        TML_FUZZ_CHECK(payload.empty() || std::memcmp(fs.payload, payload.data(), payload.size()) == 0);
      } else {
        TML_FUZZ_CHECK(rs == TML_ERR_BUFFER);
      }
    } else if (rs == TML_FRAME_READY || rs == TML_FRAME_GAP) {
      TML_FUZZ_CHECK(!"the small decoder accepted a frame the full-size one rejected");
    }
  }
  // Whatever came before, a delimiter (which may end a frame in progress) and then a good frame get
  // through, with the next expected sequence number, so no loss is counted.
  tml_frame ignored;
  big.push(0x00, &ignored);
  const uint32_t seq = big.d.have_seq ? big.d.expected_seq : 7;
  const size_t len = size < 40 ? size : 40;
  const uint32_t lost_before = big.d.stats.lost;
  expect_frame(big, encode(0x82, seq, data, len), 0x82, seq, data, len);
  TML_FUZZ_CHECK(big.d.stats.lost == lost_before);
  // The whole input as one payload, when it fits.
  if (size <= TML_FRAME_MAX_PAYLOAD) {
    Decoder fresh(TML_FRAME_DECODER_BUFFER_SIZE);
    const uint8_t type = size ? data[0] : 0;
    expect_frame(fresh, encode(type, static_cast<uint32_t>(size * 2654435761u), data, size), type,
                 static_cast<uint32_t>(size * 2654435761u), data, size);
  } else {
    encode(1, 0, data, size);  // refused with TML_ERR_ARG
  }
  return 0;
}
