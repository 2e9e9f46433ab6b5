// The exported model header: one C/C++ header a sketch or the firmware includes, written here and read back
// here (tml flash and tml run read the header a board was flashed with). It holds the model blob
// as an aligned const byte array (in flash) and the constants a sketch needs, all prefixed:
//
//   #define TML_MODEL_HASH 0x1a2b3c4du            blob hash, as the board reports it in its session header
//   #define TML_MODEL_BLOB_SIZE 4708u             flash bytes of the blob
//   #define TML_MODEL_ARENA_SIZE 1600u            exact RAM the runner needs (tml_model_arena_size)
//   #define TML_MODEL_SENSOR 1                    tml_sensor the model was trained on
//   #define TML_MODEL_SAMPLE_RATE_MILLIHZ 104000u and TML_MODEL_SAMPLE_RATE_HZ 104.0f
//   #define TML_MODEL_WINDOW_ROWS 208u            rows per window (the model's input time)
//   #define TML_MODEL_STRIDE_ROWS 52u             rows between consecutive windows
//   #define TML_MODEL_AXIS_COUNT 3u, TML_MODEL_CLASS_COUNT 4u
//   #define TML_MODEL_INPUT_SCALE, TML_MODEL_INPUT_ZERO_POINT
//   #define TML_MODEL_FEATURES_KIND 2             the blob's front end (tml_features_kind), 0 for none;
//                                                 with one, WINDOW_ROWS and AXIS_COUNT are its raw stream's
//   #define TML_MODEL_INFERENCE_BUFFER_SIZE 8048u tml_inference_buffer_size: the window, or the audio frames
//   #define TML_MODEL_DETECT_AVERAGE 3u, _THRESHOLD 153u, _SUPPRESSION_ROWS 16000u, _IGNORE 0x3u
//                                                 the detector's defaults (tml/detect.h)
//   #define TML_MODEL_VALUE_COUNT 2u              value heads (regression, docs/regression.md), only
//   #define TML_MODEL_OUTPUT_SCALE, _OUTPUT_ZERO_POINT   with value heads; per head NAME (its name in
//   #define TML_MODEL_VALUE_NAME_CHANNEL 4u       upper case, other characters as '_'): its output
//   #define TML_MODEL_VALUE_NAME_MEAN, _STD       channel, value = scale * (q - zp) * STD + MEAN
//   static const char* const tml_model_labels[], tml_model_axes[], tml_model_units[]
//   static const char* const tml_model_value_names[]   with value heads
//   static const float tml_model_mean[], tml_model_inv_std[]   per-axis normalisation (raw - mean) * inv_std
//   static const uint8_t tml_model_blob[] __attribute__((aligned(16)))
//
// With another prefix ("gestures") the names become GESTURES_HASH, gestures_blob, ... The header compiles
// warning-free as C and C++ with -Wall -Wextra -Werror on the host compiler and arm-none-eabi-gcc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tml::trainer {

struct HeaderInfo {
  std::string prefix = "tml_model";  // a C identifier
  std::string source;                // what it was exported from, for the comment ("gestures.q.model")
  std::string description;           // one line for the comment ("conv1d, 3,924 parameters")
  int sensor = 0;                    // tml_sensor
  uint32_t rate_millihz = 0;
  uint32_t stride_rows = 0;
  std::vector<std::string> axes;     // names, one per input channel
  std::vector<std::string> units;    // one per input channel (may be empty strings)
  // The board's detector (tml/detect.h): windows averaged, threshold (0..255), suppression in rows, and
  // the background classes never reported (bit per class). Headers without them read back as these.
  uint32_t detect_average = 3;
  uint32_t detect_threshold = 153;   // a probability of 0.6
  uint32_t detect_suppression = 0;   // rows; 0 = one window
  uint32_t detect_ignore = 0;
};

// What a header says, read back by parse_model_header(): what model_header() was given and the blob, and
// the blob's figures (checked against the header's #defines).
struct ExportedHeader {
  HeaderInfo info;               // the prefix from the names, source and description from the comments
  std::vector<uint8_t> blob;     // the blob array, byte for byte
  uint32_t hash = 0;             // the blob's hash, as a board running it reports it
  uint32_t arena_size = 0;
  uint32_t window_rows = 0;
  uint32_t axis_count = 0;
  uint32_t class_count = 0;         // class outputs
  std::vector<std::string> labels;
  std::vector<std::string> value_names;  // the value heads' (none for a classifier)
};

// Whether `name` can prefix the header's names: letters, digits and underscores, not starting with a digit.
bool is_c_identifier(const std::string& name);

// The header text for `blob` (validated first with tml_model_init; labels, window, arena size, input
// quantization and normalisation are read from it). Throws Error if the blob is invalid
// or the info does not fit it (axis count, stride, prefix).
std::string model_header(const std::vector<uint8_t>& blob, const HeaderInfo& info);

// Reads a header that model_header() wrote (any prefix): parse_model_header(model_header(blob, info), ...)
// gives back `blob` and `info`. Throws Error naming `origin` for anything else: a #define or array
// missing, a blob that is invalid or disagrees with the #defines.
ExportedHeader parse_model_header(const std::string& text, const std::string& origin);

}  // namespace tml::trainer
