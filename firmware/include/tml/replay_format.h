// Replay recordings: what the emulated board's sensors play back. The host (`tml`, tools/) writes these
// files from a dataset or an example recording; the mps2-an386 port reads them through semihosting. One
// definition of the layout for both sides.
//
//   offset 0    tml_replay_header (152 bytes, little-endian)
//   offset 152  rows * axis_count values in sample_format, row-major
#ifndef TML_REPLAY_FORMAT_H
#define TML_REPLAY_FORMAT_H

#include <stdint.h>

#include "tml/protocol/messages.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TML_REPLAY_MAGIC "TMLR"
#define TML_REPLAY_VERSION 1

typedef struct tml_replay_header {
  char magic[4];               // "TMLR"
  uint16_t version;            // TML_REPLAY_VERSION
  uint8_t sensor;              // tml_sensor this recording feeds
  uint8_t sample_format;       // tml_sample_format of the values
  uint32_t rate_millihz;       // the recording's sample rate
  float scale;                 // physical units per raw unit (1 for F32)
  uint32_t rows;               // rows in the file; playback wraps around to row 0 after the last
  uint8_t axis_count;          // 1 .. TML_MAX_AXES
  uint8_t reserved[3];
  tml_axis axes[TML_MAX_AXES];
} tml_replay_header;

#ifdef __cplusplus
}  // extern "C"
static_assert(sizeof(tml_replay_header) == 152, "replay header layout");
#endif

#endif  // TML_REPLAY_FORMAT_H
