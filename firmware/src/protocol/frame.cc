// Frame codec: COBS byte stuffing around header | payload | CRC-32. Layout in protocol/frame.h.
#include "tml/protocol/frame.h"

#include "tml/crc32.h"

namespace tml {
namespace {

void put_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

// Writes COBS blocks straight into the output, back-patching each block's code byte when it closes.
struct CobsWriter {
  uint8_t* out;
  size_t cap;
  size_t pos;
  size_t code_pos;
  uint8_t code;

  void open_block() {
    code_pos = pos++;
    code = 1;
  }
  void close_block() {
    if (code_pos < cap) out[code_pos] = code;
  }
  void put(uint8_t b) {
    if (b == 0) {
      close_block();
      open_block();
      return;
    }
    if (pos < cap) out[pos] = b;
    ++pos;
    if (++code == 0xFF) {
      close_block();
      open_block();
    }
  }
  void put(const void* data, size_t len) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < len; ++i) put(p[i]);
  }
};

}  // namespace

extern "C" int tml_frame_encode(uint8_t type, uint32_t seq, const tml_bytes* parts, size_t part_count,
                                uint8_t* out, size_t out_cap) {
  if (!out || (part_count && !parts)) return TML_ERR_ARG;
  size_t payload_len = 0;
  for (size_t i = 0; i < part_count; ++i) {
    if (parts[i].len && !parts[i].data) return TML_ERR_ARG;
    payload_len += parts[i].len;
  }
  if (payload_len > TML_FRAME_MAX_PAYLOAD) return TML_ERR_ARG;

  uint8_t header[TML_FRAME_HEADER_SIZE];
  header[0] = TML_FRAME_VERSION;
  header[1] = type;
  put_u16(header + 2, static_cast<uint16_t>(payload_len));
  put_u32(header + 4, seq);

  CobsWriter w{out, out_cap, 0, 0, 0};
  w.open_block();
  w.put(header, sizeof header);
  uint32_t crc = tml_crc32(0, header, sizeof header);
  for (size_t i = 0; i < part_count; ++i) {
    w.put(parts[i].data, parts[i].len);
    crc = tml_crc32(crc, parts[i].data, parts[i].len);
  }
  uint8_t crc_bytes[TML_FRAME_CRC_SIZE];
  put_u32(crc_bytes, crc);
  w.put(crc_bytes, sizeof crc_bytes);
  w.close_block();
  if (w.pos >= out_cap) return TML_ERR_BUFFER;  // no room left for the delimiter
  out[w.pos++] = 0x00;
  return static_cast<int>(w.pos);
}

extern "C" int tml_frame_decoder_init(tml_frame_decoder* d, uint8_t* buf, size_t cap) {
  if (!d || !buf || cap < TML_FRAME_RAW_SIZE(0)) return TML_ERR_ARG;
  *d = tml_frame_decoder{};
  d->buf = buf;
  d->cap = cap;
  return TML_OK;
}

extern "C" void tml_frame_decoder_reset_stream(tml_frame_decoder* d) {
  d->have_seq = 0;
  d->expected_seq = 0;
  d->stats = tml_frame_stats{};
}

namespace {

// Called at a 0x00 delimiter with the decoded bytes in d->buf[0..len).
int finish_frame(tml_frame_decoder* d, tml_frame* frame) {
  if (d->overflow) {
    ++d->stats.oversize;
    return TML_ERR_BUFFER;
  }
  if (d->block_left != 0 || d->len < TML_FRAME_RAW_SIZE(0)) {
    ++d->stats.format_errors;
    return TML_ERR_FORMAT;
  }
  const size_t body = d->len - TML_FRAME_CRC_SIZE;
  if (tml_crc32(0, d->buf, body) != get_u32(d->buf + body)) {
    ++d->stats.crc_errors;
    return TML_ERR_CRC;
  }
  if (d->buf[0] != TML_FRAME_VERSION) {
    ++d->stats.format_errors;
    return TML_ERR_VERSION;
  }
  const uint16_t payload_len = get_u16(d->buf + 2);
  if (TML_FRAME_RAW_SIZE(static_cast<size_t>(payload_len)) != d->len) {
    ++d->stats.format_errors;
    return TML_ERR_FORMAT;
  }
  frame->type = d->buf[1];
  frame->payload_len = payload_len;
  frame->seq = get_u32(d->buf + 4);
  frame->payload = d->buf + TML_FRAME_HEADER_SIZE;
  frame->lost = 0;
  int status = TML_FRAME_READY;
  if (d->have_seq && frame->seq != d->expected_seq) {
    const uint32_t ahead = frame->seq - d->expected_seq;  // modulo 2^32
    if (ahead < 0x80000000u) {
      frame->lost = ahead;
      d->stats.lost += ahead;
      status = TML_FRAME_GAP;
    } else {
      ++d->stats.restarts;
    }
  }
  d->have_seq = 1;
  d->expected_seq = frame->seq + 1;
  ++d->stats.frames;
  return status;
}

}  // namespace

extern "C" int tml_frame_decoder_push(tml_frame_decoder* d, uint8_t byte, tml_frame* frame) {
  if (byte == 0x00) {
    const bool empty = d->len == 0 && d->block_left == 0 && !d->zero_after && !d->overflow;
    int status = empty ? TML_ERR_AGAIN : finish_frame(d, frame);
    d->len = 0;
    d->block_left = 0;
    d->zero_after = 0;
    d->overflow = 0;
    return status;
  }
  if (d->overflow) return TML_ERR_AGAIN;
  if (d->block_left == 0) {  // a code byte opens the next block
    if (d->zero_after) {
      if (d->len >= d->cap) {
        d->overflow = 1;
        return TML_ERR_AGAIN;
      }
      d->buf[d->len++] = 0x00;
    }
    d->block_left = static_cast<uint8_t>(byte - 1);
    d->zero_after = byte != 0xFF;
    return TML_ERR_AGAIN;
  }
  if (d->len >= d->cap) {
    d->overflow = 1;
    return TML_ERR_AGAIN;
  }
  d->buf[d->len++] = byte;
  --d->block_left;
  return TML_ERR_AGAIN;
}

}  // namespace tml
