// The model blob: the one definition of its byte layout, for the board's runner and the host's writer.
//
// A blob is one contiguous byte array (exported as `alignas(16) const uint8_t[]`; the runner needs it at
// a 4-aligned address). Every field is little-endian; floats are IEEE-754 binary32. Offsets are bytes
// from the start of the blob. Layout (docs/model_format.md has the full description):
//
//   offset                      size                         contents
//   0                           64                           tml_model_header
//   64                          64 * layer_count             tml_layer_record[layer_count], in execution order
//   64 + 64 * layer_count       total_size - that            data: the arrays the header and records point at,
//                                                            each at a 4-aligned offset, zero padding between
//
//   tml_model_header
//     0  u32  magic              TML_MODEL_MAGIC: the bytes "TMLM"
//     4  u16  version            TML_MODEL_VERSION
//     6  u16  header_size        64
//     8  u32  total_size         bytes of the blob, header included
//    12  u32  hash               FNV-1a 32 of bytes [0, 12) then [16, total_size) (everything but itself)
//    16  u32  arena_size         exact bytes of the arena the runner needs (activations and scratch)
//    20  u16  layer_count        1 .. TML_MODEL_MAX_LAYERS (0 for a K-means block alone: an anomaly block)
//    22  u16  layer_size         64
//    24  u16  input_time         model input [time][channels]
//    26  u16  input_channels
//    28  u16  output_time        model output [time][channels]; classes = output_channels, or the
//                                heads table's split of the channels (version 3)
//    30  u16  output_channels
//    32  f32  input_scale        > 0: real input = input_scale * (q - input_zero_point)
//    36  f32  output_scale       > 0 (1/256 after a softmax)
//    40  i8   input_zero_point
//    41  i8   output_zero_point  (-128 after a softmax)
//    42  u16  reserved           0
//    44  u32  labels_offset      0, or output_channels labels of TML_MODEL_LABEL_SIZE bytes, each
//                                NUL-terminated and NUL-padded (with a heads table: one per channel of
//                                the class head, and 0 without a class head)
//    48  u32  norm_offset        0, or f32 mean[input_channels] then f32 inv_std[input_channels]: how raw
//                                sensor values become the model's real input (tml_model_prepare_input)
//    52  u32  features_offset    0 (the window goes to the network as it is), or the front-end section
//                                that turns the raw window into the network's input (below; version 2)
//    56  u32  heads_offset       0 (one classification head over all outputs), or the output heads
//                                table (below; version 3)
//    60  u32  anomaly_offset     0 (no anomaly score), or the anomaly block (below; version 2)
//                                (version 1: all three are 0; version 2: heads_offset is 0)
//
//   tml_layer_record (64 bytes; fields a kind does not use must be 0)
//     0  u8   kind               tml_layer_kind
//     1  u8   flags              0 (reserved)
//     2  i8   input_zero_point   = the previous layer's output_zero_point (or the model's input one)
//     3  i8   output_zero_point
//     4  u16  in_time, 6 u16 in_channels     input shape; = the previous layer's output shape
//     8  u16  out_time, 10 u16 out_channels  output shape
//    12  u16  kernel_size        conv1d and depthwise conv1d kernel, pooling window
//    14  u16  stride             conv1d, depthwise conv1d, pooling
//    16  u16  pad_left           conv1d, depthwise conv1d, pooling: 0 .. kernel_size-1
//    18  u16  pad_right          conv1d, depthwise conv1d, pooling: 0 .. kernel_size-1
//    20  u16  pool_size          conv1d: fused max pooling window, 0 = none
//    22  u16  pool_stride        conv1d: fused max pooling stride (>= 1 iff pool_size > 0)
//    24  i8   act_min            output clamp (fused ReLU: act_min = output_zero_point)
//    25  i8   act_max
//    26  u16  reserved           0
//    28  f32  output_scale       > 0
//    32  u32  weights_offset     fully_connected, conv1d, depthwise conv1d: int8 weights, layout as in
//                                kernels.h (depthwise: [kernel_size][channels])
//    36  u32  bias_offset        fully_connected, (depthwise) conv1d: int32 [out_channels], or 0 for none
//    40  u32  multiplier_offset  fully_connected, (depthwise) conv1d: int32 [out_channels]; softmax:
//                                int32 [1], the exp_multiplier
//    44  u32  shift_offset       fully_connected, (depthwise) conv1d: int32 [out_channels]
//    48  u32  scratch_size       bytes of kernel scratch reserved in the arena for this layer
//    52  u32  input_arena_offset   where the layer reads its input in the arena (4-aligned)
//    56  u32  output_arena_offset  where it writes its output (4-aligned)
//    60  u32  scratch_arena_offset where its scratch lives (4-aligned; 0 when scratch_size is 0)
//
//   Front-end section (version 2, at features_offset; tml/features.h runs it): a 64-byte record, then its
//   tables. The section is relocatable: the offsets in the record count from the record's start, and
//   every table lies inside the section (record_size .. size), 4-aligned. The record's first 16 bytes
//   are common to every kind:
//     0  u8   kind               tml_features_kind
//     1  u8   flags              per kind; unknown bits must be 0
//     2  u16  record_size        64
//     4  u32  size               bytes of the section, record and tables (a multiple of 4)
//     8  u16  raw_rows           the raw window [raw_rows][raw_axes] the front end reads
//    10  u16  raw_axes
//    12  u16  out_time           what it writes: the network input [out_time][out_channels], equal to
//    14  u16  out_channels       the header's input_time and input_channels
//   tml_audio_features_record (MFE, MFCC) and tml_spectral_features_record follow, with their tables.
//
//   Anomaly block (version 2, at anomaly_offset; tml/anomaly.h scores it): a 64-byte
//   tml_anomaly_record, then its tables, relocatable like the front-end section (offsets from the
//   record's start, every table inside the block, 4-aligned). It scores the network input -- the int8
//   vector of dims = input_time * input_channels values in the input quantization -- by its distance to
//   the nearest of K int8 centres (K-means), or by its mean squared difference from the network's output
//   (autoencoder: the layers reconstruct their input in the same quantization). With an anomaly block the
//   arena plan keeps the network input intact through the whole run, and a K-means block may stand
//   alone: layer_count 0, the output is then the input.
//
//   Output heads table (version 3, at heads_offset; tml_model_values reads it): how the output [1][C]
//   splits into at most one class head (scores or logits, channels [0, K)) followed by value heads of one
//   channel each, every one a regression target in its own units. Relocatable like the anomaly block,
//   4-aligned, inside the blob: a 16-byte tml_heads_record, then count 48-byte tml_head records in
//   channel order. The heads cover [0, output_channels) exactly, contiguous and in order; output_time is
//   1; a class head, if any, is the first; with a value head the network has layers and its last layer is
//   not a softmax (a softmax over values means nothing). A value head's real value is, from its int8
//   output q, y = output_scale * (float)(q - output_zero_point), then value = y * std + mean: each step
//   one float32 operation, rounded, never fused. Without a table the whole output is one class head.
//     tml_heads_record (16 bytes)
//       0  u8   count            heads, 1 .. TML_MODEL_MAX_HEADS
//       1  u8   flags            0
//       2  u16  record_size      16
//       4  u32  size             bytes of the table: 16 + 48 * count
//       8  u16  head_size        48
//      10  u16  reserved         0
//      12  u32  reserved         0
//     tml_head (48 bytes, count of them)
//       0  u8   kind             TML_HEAD_CLASSES or TML_HEAD_VALUE
//       1  u8   flags            0
//       2  u16  first            first output channel
//       4  u16  count            channels: class head >= 1, value head 1
//       6  u16  reserved         0
//       8  f32  mean             value head: finite; class head: 0
//      12  f32  std              value head: finite, > 0; class head: 0
//      16  char name[32]         NUL-terminated, NUL-padded, 1 .. 31 printable ASCII characters
//   The labels (labels_offset) are then the class head's: exactly its count of them, and none without it.
//
// The runner (model.h) rejects a blob unless every rule of docs/model_format.md holds: magic, version,
// sizes, hash, kinds, shapes chaining layer to layer, every array in bounds and aligned, weights in
// -127..127, multipliers and shifts in range, no accumulator able to overflow, and an arena plan in
// which no layer's input, output and scratch overlap.
#ifndef TML_MODEL_FORMAT_H
#define TML_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TML_MODEL_MAGIC 0x4D4C4D54u  // "TMLM" as a little-endian u32
#define TML_MODEL_VERSION 3           // 3: the output heads; 2: the front-end section and the anomaly block;
                                      // versions 1 and 2 are still accepted
#define TML_MODEL_VERSION_MIN 1
#define TML_MODEL_HEADER_SIZE 64
#define TML_MODEL_LAYER_SIZE 64
#define TML_MODEL_HASH_OFFSET 12     // the hash covers every byte but these four
#define TML_MODEL_ALIGN 4            // alignment of every array in the blob and of every arena offset
#define TML_MODEL_MAX_LAYERS 64
#define TML_MODEL_LABEL_SIZE 32      // bytes per label, NUL included: at most 31 characters

typedef enum tml_layer_kind {
  TML_LAYER_FULLY_CONNECTED = 1,    // tml_fully_connected_s8; input [T][C] flattened, output [1][units]
  TML_LAYER_CONV1D = 2,             // tml_conv1d_s8, with fused max pooling when pool_size > 0
  TML_LAYER_MAX_POOL1D = 3,         // tml_max_pool1d_s8; output scale and zero point = input's
  TML_LAYER_AVG_POOL1D = 4,         // tml_avg_pool1d_s8; output scale and zero point = input's
  TML_LAYER_GLOBAL_AVG_POOL1D = 5,  // tml_global_avg_pool1d_s8; output [1][C]; scale, zero point = input's
  TML_LAYER_SOFTMAX = 6,            // tml_softmax_s8; output scale 1/256, zero point -128
  TML_LAYER_DEPTHWISE_CONV1D = 7,   // tml_depthwise_conv1d_s8; out_channels = in_channels, no pooling
} tml_layer_kind;

// What the front-end section computes (docs/features.md).
typedef enum tml_features_kind {
  TML_FEATURES_NONE = 0,      // no front end (features_offset 0)
  TML_FEATURES_MFE = 1,       // audio: log mel energies, [frames][mel bands]
  TML_FEATURES_MFCC = 2,      // audio: mel-frequency cepstral coefficients, [frames][coefficients]
  TML_FEATURES_SPECTRAL = 3,  // motion: per-axis statistics, band powers and spectral peaks, [1][features]
} tml_features_kind;

#define TML_FEATURES_RECORD_SIZE 64

// Audio (MFE, MFCC): frame by frame, frame t reads raw samples frame_offset + t * frame_step ..
// + frame_length - 1; pre-emphasis, window, zero-padded real FFT, power spectrum, mel filterbank, log
// (optionally floored), and for MFCC the DCT-II.
#define TML_AUDIO_FLAG_FLOOR 1u  // log values below `floor` are raised to it

typedef struct tml_audio_features_record {
  uint8_t kind;             // TML_FEATURES_MFE or TML_FEATURES_MFCC
  uint8_t flags;            // TML_AUDIO_FLAG_*
  uint16_t record_size;     // 64
  uint32_t size;            // bytes of the section
  uint16_t raw_rows;        // samples of the raw window
  uint16_t raw_axes;        // 1
  uint16_t out_time;        // frames, >= 1
  uint16_t out_channels;    // MFE: mel_bands; MFCC: coefficients, 1 .. mel_bands
  uint16_t frame_length;    // samples per frame, 1 .. fft_size
  uint16_t frame_step;      // samples between frame starts (hop), >= 1
  uint16_t frame_offset;    // where frame 0 starts in the raw window
  uint16_t fft_size;        // power of two, TML_FFT_MIN_SIZE .. TML_FFT_MAX_SIZE
  uint16_t mel_bands;       // 1 .. fft_size / 2 + 1
  uint16_t reserved;        // 0
  float sample_rate;        // Hz, > 0 (what the tables were computed for)
  float preemphasis;        // y[i] = x[i] - a x[i-1] within the frame (y[0] = x[0] - a x[0]); 0 = none
  float log_offset;         // > 0: value = log_scale * ln(energy + log_offset)
  float log_scale;          // > 0: 1 for ln, 10 / ln 10 for decibels
  float floor;              // with TML_AUDIO_FLAG_FLOOR: values below it become it; else 0
  uint32_t window_offset;   // 0 (rectangular), or f32 [frame_length]
  uint32_t twiddle_offset;  // f32 [fft_size]: cos, sin of 2 pi k / fft_size, k < fft_size / 2 (tml/fft.h)
  uint32_t mel_offset;      // u16 {first_bin, bins} [mel_bands], then f32 weights [sum of bins]
  uint32_t dct_offset;      // MFCC: f32 [out_channels][mel_bands]; MFE: 0
} tml_audio_features_record;

// Spectral analysis: per axis, optional IIR filter, time statistics, a Welch power spectral density over
// segments, band powers and the strongest peaks. stats is a mask of these bits; each axis's features
// are, in this order: the selected statistics in bit order, `bands` band powers, then `peaks` pairs
// (frequency in Hz, height); axis after axis.
#define TML_SPECTRAL_FLAG_LOG 1u      // band powers and peak heights as tml_log10f(value + log_offset)
#define TML_SPECTRAL_FLAG_DETREND 2u  // each segment's mean is subtracted before its window and FFT
#define TML_SPECTRAL_STAT_MEAN 0x01u      // of the raw axis
#define TML_SPECTRAL_STAT_MIN 0x02u       // of the raw axis
#define TML_SPECTRAL_STAT_MAX 0x04u       // of the raw axis
#define TML_SPECTRAL_STAT_RMS_RAW 0x08u   // of the raw axis
#define TML_SPECTRAL_STAT_STD 0x10u       // of the raw axis (population, divides by n)
#define TML_SPECTRAL_STAT_RMS 0x20u       // of the filtered axis
#define TML_SPECTRAL_STAT_SKEWNESS 0x40u  // of the filtered axis (0 when its variance is 0)
#define TML_SPECTRAL_STAT_KURTOSIS 0x80u  // of the filtered axis, excess (Fisher; 0 when the variance is 0)
#define TML_SPECTRAL_STATS_ALL 0xFFu
#define TML_SPECTRAL_MAX_PEAKS 16
#define TML_SPECTRAL_MAX_SECTIONS 8  // second-order filter sections (filter order <= 16)

typedef struct tml_spectral_features_record {
  uint8_t kind;             // TML_FEATURES_SPECTRAL
  uint8_t flags;            // TML_SPECTRAL_FLAG_*
  uint16_t record_size;     // 64
  uint32_t size;            // bytes of the section
  uint16_t raw_rows;        // rows of the raw window, >= 2
  uint16_t raw_axes;        // >= 1
  uint16_t out_time;        // 1
  uint16_t out_channels;    // raw_axes * (statistics + bands + 2 * peaks)
  uint16_t stats;           // TML_SPECTRAL_STAT_* mask
  uint16_t fft_size;        // power of two, TML_FFT_MIN_SIZE .. TML_FFT_MAX_SIZE
  uint16_t segment_length;  // samples per Welch segment, 1 .. min(fft_size, raw_rows); zero-padded to fft_size
  uint16_t segment_step;    // samples between segment starts, >= 1
  uint16_t segment_count;   // segments, >= 1, (count - 1) * step + length <= raw_rows
  uint8_t bands;            // band powers per axis
  uint8_t peaks;            // spectral peaks per axis, 0 .. TML_SPECTRAL_MAX_PEAKS
  uint8_t filter_sections;  // 0 .. TML_SPECTRAL_MAX_SECTIONS
  uint8_t reserved[3];      // 0
  float sample_rate;        // Hz, > 0
  float psd_scale;          // > 0: density[k] = psd_scale * (sum over the segments of |X[k]|^2), doubled
                            //   for 0 < k < fft_size / 2 (one-sided); the host's scale is
                            //   1 / (segment_count * sample_rate * sum of window^2)
  float log_offset;         // > 0 with TML_SPECTRAL_FLAG_LOG, else 0
  float bin_hz;             // > 0: frequency of bin k = k * bin_hz (sample_rate / fft_size)
  uint32_t filter_offset;   // 0 (no filter), or f32 [filter_sections][5]: b0, b1, b2, a1, a2 (a0 = 1)
  uint32_t window_offset;   // 0 (rectangular), or f32 [segment_length]
  uint32_t twiddle_offset;  // f32 [fft_size] (tml/fft.h)
  uint32_t band_offset;     // u16 [bands + 1], increasing, <= fft_size/2 + 1: band b's power is bin_hz times
                            //   the sum of the density over bins edge[b] .. edge[b+1] - 1 (0 when bands = 0)
} tml_spectral_features_record;

// What the anomaly block computes (docs/model_format.md#anomaly-block, docs/anomaly.md).
typedef enum tml_anomaly_kind {
  TML_ANOMALY_NONE = 0,         // no anomaly block (anomaly_offset 0)
  TML_ANOMALY_KMEANS = 1,       // distance of the network input to the nearest of K centres
  TML_ANOMALY_AUTOENCODER = 2,  // mean squared difference of the network input and its reconstruction
} tml_anomaly_kind;

#define TML_ANOMALY_RECORD_SIZE 64
#define TML_ANOMALY_SCORE_BITS 16    // scores are int32 fixed point: real score = score / 2^16
#define TML_ANOMALY_MAX_DIMS 33025   // dims * 255^2 fits an int32 accumulator
#define TML_ANOMALY_MAX_CLUSTERS 1024
#define TML_ANOMALY_MAX_OFFSET (1 << 30)  // |radius| bound: radius and distance differ without overflow

// The anomaly block's record. Scores are int32 in Q16 (real score = score / 65536) and a window is
// anomalous when its score is above `threshold`:
//   K-means:      k = the nearest centre (squared distance d2 in int8 steps, the first on ties);
//                 d = floor(sqrt(d2 * 2^16)), the distance in Q8 int8 steps;
//                 score = scale(d - radius[k], multiplier[k], shift[k])
//   autoencoder:  e = sum over the dims values of (input - output)^2 in int8 steps (the output shares
//                 the input's scale and zero point);  score = scale(e, multiplier, shift)
//   scale(v, m, s) = v * m * 2^(s - 31), rounded to nearest (ties away from zero), saturated to int32
// so the host chooses the real meaning: for K-means (distance - radius_k) / sigma_k in normalised
// feature units, for the autoencoder the mean squared error over sigma (docs/anomaly.md).
typedef struct tml_anomaly_record {
  uint8_t kind;               // tml_anomaly_kind
  uint8_t flags;              // 0
  uint16_t record_size;       // 64
  uint32_t size;              // bytes of the block, record and tables (a multiple of 4)
  uint32_t dims;              // values scored: the header's input_time * input_channels, 1 .. TML_ANOMALY_MAX_DIMS
  uint16_t clusters;          // K-means: K, 1 .. TML_ANOMALY_MAX_CLUSTERS; autoencoder: 0
  uint16_t reserved0;         // 0
  int32_t threshold;          // Q16: a window is anomalous when its score > threshold
  int32_t multiplier;         // autoencoder: of the sum of squares, 0 or 2^30 .. 2^31-1; K-means: 0
  int32_t shift;              // autoencoder: -31 .. 30; K-means: 0
  uint32_t centres_offset;    // K-means: int8 [clusters][dims], in the network input's quantization; else 0
  uint32_t radius_offset;     // K-means: int32 [clusters], Q8 int8 steps, |radius| <= 2^30; else 0
  uint32_t multiplier_offset; // K-means: int32 [clusters], each 0 or 2^30 .. 2^31-1; else 0
  uint32_t shift_offset;      // K-means: int32 [clusters], each -31 .. 30; else 0
  uint32_t reserved[5];       // 0
} tml_anomaly_record;

// The output heads table (docs/model_format.md#output-heads).
#define TML_MODEL_MAX_HEADS 8
#define TML_HEADS_RECORD_SIZE 16
#define TML_HEAD_SIZE 48
#define TML_HEAD_NAME_SIZE 32  // bytes per head name, NUL included: 1 .. 31 printable ASCII characters

typedef enum tml_head_kind {
  TML_HEAD_CLASSES = 1,  // class scores or logits (no softmax needed), channels [first, first + count)
  TML_HEAD_VALUE = 2,    // one regression target, one channel
} tml_head_kind;

typedef struct tml_heads_record {
  uint8_t count;         // heads, 1 .. TML_MODEL_MAX_HEADS
  uint8_t flags;         // 0
  uint16_t record_size;  // TML_HEADS_RECORD_SIZE
  uint32_t size;         // bytes of the table: TML_HEADS_RECORD_SIZE + TML_HEAD_SIZE * count
  uint16_t head_size;    // TML_HEAD_SIZE
  uint16_t reserved0;    // 0
  uint32_t reserved1;    // 0
} tml_heads_record;

typedef struct tml_head {
  uint8_t kind;          // tml_head_kind
  uint8_t flags;         // 0
  uint16_t first;        // first output channel: the previous head's first + count (0 for the first head)
  uint16_t count;        // channels: class head >= 1, value head exactly 1
  uint16_t reserved;     // 0
  float mean;            // value head: finite, real value = y * std + mean (y: the dequantized output); class head: 0
  float std;             // value head: finite and > 0; class head: 0
  char name[TML_HEAD_NAME_SIZE];  // NUL-terminated and NUL-padded: the target's name ("rain_mm"), or "class"
} tml_head;

typedef struct tml_model_header {
  uint32_t magic;
  uint16_t version;
  uint16_t header_size;
  uint32_t total_size;
  uint32_t hash;
  uint32_t arena_size;
  uint16_t layer_count;
  uint16_t layer_size;
  uint16_t input_time;
  uint16_t input_channels;
  uint16_t output_time;
  uint16_t output_channels;
  float input_scale;
  float output_scale;
  int8_t input_zero_point;
  int8_t output_zero_point;
  uint16_t reserved0;
  uint32_t labels_offset;
  uint32_t norm_offset;
  uint32_t features_offset;
  uint32_t heads_offset;
  uint32_t anomaly_offset;
} tml_model_header;

typedef struct tml_layer_record {
  uint8_t kind;
  uint8_t flags;
  int8_t input_zero_point;
  int8_t output_zero_point;
  uint16_t in_time;
  uint16_t in_channels;
  uint16_t out_time;
  uint16_t out_channels;
  uint16_t kernel_size;
  uint16_t stride;
  uint16_t pad_left;
  uint16_t pad_right;
  uint16_t pool_size;
  uint16_t pool_stride;
  int8_t act_min;
  int8_t act_max;
  uint16_t reserved;
  float output_scale;
  uint32_t weights_offset;
  uint32_t bias_offset;
  uint32_t multiplier_offset;
  uint32_t shift_offset;
  uint32_t scratch_size;
  uint32_t input_arena_offset;
  uint32_t output_arena_offset;
  uint32_t scratch_arena_offset;
} tml_layer_record;

#ifdef __cplusplus
}  // extern "C"

static_assert(sizeof(float) == 4, "binary32 floats");
static_assert(sizeof(tml_model_header) == TML_MODEL_HEADER_SIZE, "model header layout");
static_assert(offsetof(tml_model_header, version) == 4, "model header layout");
static_assert(offsetof(tml_model_header, total_size) == 8, "model header layout");
static_assert(offsetof(tml_model_header, hash) == TML_MODEL_HASH_OFFSET, "model header layout");
static_assert(offsetof(tml_model_header, arena_size) == 16, "model header layout");
static_assert(offsetof(tml_model_header, layer_count) == 20, "model header layout");
static_assert(offsetof(tml_model_header, input_time) == 24, "model header layout");
static_assert(offsetof(tml_model_header, output_time) == 28, "model header layout");
static_assert(offsetof(tml_model_header, input_scale) == 32, "model header layout");
static_assert(offsetof(tml_model_header, output_scale) == 36, "model header layout");
static_assert(offsetof(tml_model_header, input_zero_point) == 40, "model header layout");
static_assert(offsetof(tml_model_header, labels_offset) == 44, "model header layout");
static_assert(offsetof(tml_model_header, norm_offset) == 48, "model header layout");
static_assert(offsetof(tml_model_header, features_offset) == 52, "model header layout");
static_assert(offsetof(tml_model_header, heads_offset) == 56, "model header layout");
static_assert(offsetof(tml_model_header, anomaly_offset) == 60, "model header layout");
static_assert(sizeof(tml_audio_features_record) == TML_FEATURES_RECORD_SIZE, "audio record layout");
static_assert(offsetof(tml_audio_features_record, size) == 4, "audio record layout");
static_assert(offsetof(tml_audio_features_record, raw_rows) == 8, "audio record layout");
static_assert(offsetof(tml_audio_features_record, out_time) == 12, "audio record layout");
static_assert(offsetof(tml_audio_features_record, frame_length) == 16, "audio record layout");
static_assert(offsetof(tml_audio_features_record, fft_size) == 22, "audio record layout");
static_assert(offsetof(tml_audio_features_record, sample_rate) == 28, "audio record layout");
static_assert(offsetof(tml_audio_features_record, floor) == 44, "audio record layout");
static_assert(offsetof(tml_audio_features_record, window_offset) == 48, "audio record layout");
static_assert(offsetof(tml_audio_features_record, dct_offset) == 60, "audio record layout");
static_assert(sizeof(tml_spectral_features_record) == TML_FEATURES_RECORD_SIZE, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, size) == 4, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, raw_rows) == 8, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, out_time) == 12, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, stats) == 16, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, segment_count) == 24, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, bands) == 26, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, filter_sections) == 28, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, sample_rate) == 32, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, bin_hz) == 44, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, filter_offset) == 48, "spectral record layout");
static_assert(offsetof(tml_spectral_features_record, band_offset) == 60, "spectral record layout");
static_assert(sizeof(tml_anomaly_record) == TML_ANOMALY_RECORD_SIZE, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, size) == 4, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, dims) == 8, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, clusters) == 12, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, threshold) == 16, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, multiplier) == 20, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, shift) == 24, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, centres_offset) == 28, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, radius_offset) == 32, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, multiplier_offset) == 36, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, shift_offset) == 40, "anomaly record layout");
static_assert(offsetof(tml_anomaly_record, reserved) == 44, "anomaly record layout");
static_assert(sizeof(tml_heads_record) == TML_HEADS_RECORD_SIZE, "heads record layout");
static_assert(offsetof(tml_heads_record, flags) == 1, "heads record layout");
static_assert(offsetof(tml_heads_record, record_size) == 2, "heads record layout");
static_assert(offsetof(tml_heads_record, size) == 4, "heads record layout");
static_assert(offsetof(tml_heads_record, head_size) == 8, "heads record layout");
static_assert(offsetof(tml_heads_record, reserved0) == 10, "heads record layout");
static_assert(offsetof(tml_heads_record, reserved1) == 12, "heads record layout");
static_assert(sizeof(tml_head) == TML_HEAD_SIZE, "head layout");
static_assert(offsetof(tml_head, flags) == 1, "head layout");
static_assert(offsetof(tml_head, first) == 2, "head layout");
static_assert(offsetof(tml_head, count) == 4, "head layout");
static_assert(offsetof(tml_head, reserved) == 6, "head layout");
static_assert(offsetof(tml_head, mean) == 8, "head layout");
static_assert(offsetof(tml_head, std) == 12, "head layout");
static_assert(offsetof(tml_head, name) == 16, "head layout");
static_assert(sizeof(tml_layer_record) == TML_MODEL_LAYER_SIZE, "layer record layout");
static_assert(offsetof(tml_layer_record, in_time) == 4, "layer record layout");
static_assert(offsetof(tml_layer_record, out_time) == 8, "layer record layout");
static_assert(offsetof(tml_layer_record, kernel_size) == 12, "layer record layout");
static_assert(offsetof(tml_layer_record, pad_left) == 16, "layer record layout");
static_assert(offsetof(tml_layer_record, pool_size) == 20, "layer record layout");
static_assert(offsetof(tml_layer_record, act_min) == 24, "layer record layout");
static_assert(offsetof(tml_layer_record, output_scale) == 28, "layer record layout");
static_assert(offsetof(tml_layer_record, weights_offset) == 32, "layer record layout");
static_assert(offsetof(tml_layer_record, multiplier_offset) == 40, "layer record layout");
static_assert(offsetof(tml_layer_record, scratch_size) == 48, "layer record layout");
static_assert(offsetof(tml_layer_record, input_arena_offset) == 52, "layer record layout");
static_assert(offsetof(tml_layer_record, scratch_arena_offset) == 60, "layer record layout");
#endif

#endif  // TML_MODEL_FORMAT_H
