// The frame codec: how every message travels between a board and the host, in both directions.
//
// A frame on the wire is
//
//     COBS( header[8] | payload[payload_len] | crc32[4] )  0x00
//
//   header, little-endian:
//     offset 0  u8   version       TML_FRAME_VERSION (1)
//     offset 1  u8   type          a tml_msg_type (protocol/messages.h)
//     offset 2  u16  payload_len   0 .. TML_FRAME_MAX_PAYLOAD
//     offset 4  u32  seq           per-sender sequence number: 0 for the first frame after boot, +1 per frame
//   crc32: tml_crc32 (IEEE) of header and payload, little-endian.
//
// COBS (consistent-overhead byte stuffing) removes every 0x00 from the frame, so 0x00 only ever marks
// the end of a frame: a receiver that starts mid-stream or meets garbage resynchronises at the next
// 0x00. The overhead is at most one byte per 254 plus the delimiter. Empty frames (two 0x00 in a row)
// are ignored, so a sender may emit a lone 0x00 to flush a receiver's state, as a board does at boot.
//
// Decoding is a byte-at-a-time state machine over a caller-owned buffer: the same code on the board
// (commands) and on the host (sample streams). See docs/protocol.md for the whole protocol.
#ifndef TML_PROTOCOL_FRAME_H
#define TML_PROTOCOL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "tml/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TML_FRAME_VERSION 1
#define TML_FRAME_HEADER_SIZE 8
#define TML_FRAME_CRC_SIZE 4
// Largest payload any tml message needs (a sample batch: 1016 data bytes plus its 8-byte header).
#define TML_FRAME_MAX_PAYLOAD 1024
// Decoded bytes of a frame with `payload` payload bytes: header, payload, CRC.
#define TML_FRAME_RAW_SIZE(payload) (TML_FRAME_HEADER_SIZE + (payload) + TML_FRAME_CRC_SIZE)
// Worst-case bytes on the wire for a frame with `payload` payload bytes: COBS adds one code byte per
// started block of 254 bytes, plus the 0x00 delimiter.
#define TML_FRAME_ENCODED_MAX(payload) (TML_FRAME_RAW_SIZE(payload) + TML_FRAME_RAW_SIZE(payload) / 254 + 1 + 1)
// The decoder buffer that holds any frame up to TML_FRAME_MAX_PAYLOAD.
#define TML_FRAME_DECODER_BUFFER_SIZE TML_FRAME_RAW_SIZE(TML_FRAME_MAX_PAYLOAD)

// One piece of a payload; a frame's payload is the concatenation of its parts (a message header and
// its data need not be copied together first).
typedef struct tml_bytes {
  const void* data;
  size_t len;
} tml_bytes;

// Encodes one frame into `out` (capacity `out_cap`, which TML_FRAME_ENCODED_MAX(payload_len) always
// satisfies), delimiter included. Returns the number of bytes written (> 0), TML_ERR_ARG if the payload
// exceeds TML_FRAME_MAX_PAYLOAD, or TML_ERR_BUFFER if `out` is too small.
int tml_frame_encode(uint8_t type, uint32_t seq, const tml_bytes* parts, size_t part_count, uint8_t* out,
                     size_t out_cap);

// What tml_frame_decoder_push reports for each byte.
enum {
  TML_FRAME_READY = 0,  // a valid frame is complete and in *frame
  TML_FRAME_GAP = 1,    // a valid frame is complete, and frame->lost frames before it never arrived
  // Negative: the bytes up to this delimiter were rejected (the decoder has already resynchronised):
  //   TML_ERR_CRC      checksum mismatch (corrupted in transit)
  //   TML_ERR_BUFFER   the frame was larger than the decoder's buffer (oversize)
  //   TML_ERR_FORMAT   not a frame: bad COBS, shorter than a header, or a length that disagrees
  //   TML_ERR_VERSION  a frame version this code does not speak
  //   TML_ERR_AGAIN    no frame yet: keep pushing bytes
};

// A decoded frame. `payload` points into the decoder's buffer and is valid until the next push.
typedef struct tml_frame {
  uint8_t type;
  uint16_t payload_len;
  uint32_t seq;
  uint32_t lost;  // frames missing between the previous frame and this one (TML_FRAME_GAP)
  const uint8_t* payload;
} tml_frame;

// Running totals, for live figures and the final report of a capture.
typedef struct tml_frame_stats {
  uint32_t frames;         // valid frames delivered
  uint32_t lost;           // frames never received, from sequence gaps
  uint32_t crc_errors;     // frames rejected for their checksum
  uint32_t oversize;       // frames rejected for not fitting the buffer
  uint32_t format_errors;  // byte runs rejected as not frames (garbage, truncation), and bad versions
  uint32_t restarts;       // the sender's sequence went backwards (it rebooted): not counted as loss
} tml_frame_stats;

typedef struct tml_frame_decoder {
  uint8_t* buf;  // caller-owned; TML_FRAME_RAW_SIZE(max payload) bytes
  size_t cap;
  size_t len;          // decoded bytes of the frame in progress
  uint8_t block_left;  // data bytes left in the current COBS block
  uint8_t zero_after;  // the current block ends with an implied 0x00
  uint8_t overflow;    // the frame in progress no longer fits: discard to the delimiter
  uint8_t have_seq;    // expected_seq is meaningful
  uint32_t expected_seq;
  tml_frame_stats stats;
} tml_frame_decoder;

// Prepares a decoder over `buf`. Returns TML_ERR_ARG if buf is null or cap < TML_FRAME_RAW_SIZE(0).
int tml_frame_decoder_init(tml_frame_decoder* d, uint8_t* buf, size_t cap);

// Forgets the expected sequence number and the totals (a new session starts); keeps the buffer.
void tml_frame_decoder_reset_stream(tml_frame_decoder* d);

// Feeds one byte; see the enum above for what it returns. On TML_FRAME_READY or TML_FRAME_GAP the
// frame is in *frame. Never reads or writes outside the decoder's buffer, whatever the input.
int tml_frame_decoder_push(tml_frame_decoder* d, uint8_t byte, tml_frame* frame);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_PROTOCOL_FRAME_H
