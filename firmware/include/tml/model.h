// The model runner: validates a model blob (model_format.h) once, then runs it in a caller-owned arena.
//
// Typical use on a board, with the blob and its arena size from the exported model header:
//
//   static tml_model model;
//   alignas(4) static uint8_t arena[MODEL_ARENA_SIZE];      // == tml_model_arena_size(&model)
//   if (tml_model_init(&model, model_blob, sizeof model_blob) != TML_OK) { ...report... }
//   tml_model_prepare_input(&model, raw_window, n, tml_model_input(&model, arena));
//   tml_model_run(&model, arena, sizeof arena, NULL, NULL);
//   const int8_t* scores = tml_model_output(&model, arena);   // int8, scale 1/256, zp -128 after softmax
//
// The input, every intermediate activation and the output live in the arena, at offsets planned
// statically (tml_model_plan) and stored in the blob: the arena is all the RAM a model needs, and its
// exact size is in the blob header. Nothing allocates; nothing reads or writes outside the blob, the
// arena and the caller's buffers, whatever the blob contains (a blob is validated before it is used).
#ifndef TML_MODEL_H
#define TML_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "tml/anomaly.h"
#include "tml/features.h"
#include "tml/model_format.h"
#include "tml/status.h"
#include "tml/types.h"

#ifdef __cplusplus
extern "C" {
#endif

// A validated model: a view of its blob, which must stay in place while the model is used. Fields are
// filled by tml_model_init and read-only for the caller.
typedef struct tml_model {
  const uint8_t* blob;
  tml_model_header header;      // a copy of the blob's header
  uint32_t input_arena_offset;  // where the model input lives in the arena
  uint32_t output_arena_offset; // where the model output lives
  uint32_t logits_arena_offset; // the input of a final softmax, else the output
  float logits_scale;           // quantization of the logits
  int8_t logits_zero_point;
  uint8_t value_count;          // value heads (heads table): 0 without a table
  uint16_t class_channels;      // with a heads table: its class head's channels (0 without one)
  uint32_t values_offset;       // blob offset of the first value head's tml_head (0 without value heads)
  int32_t class_exp_multiplier; // a class head beside value heads: the softmax of its logits
                                //   (tml_model_class_scores); 0 otherwise
  tml_features features;        // the front end (tml/features.h); features.kind 0 when the blob has none
  tml_anomaly anomaly;          // the anomaly block (tml/anomaly.h); anomaly.kind 0 when the blob has none
} tml_model;

/**
 * @brief Validates a blob and prepares a model over it (no copy: the blob must outlive the model).
 *
 * Checks, in this order: the header's magic (TML_ERR_FORMAT), version (1 .. 3, else TML_ERR_VERSION), total size
 * against `len` (TML_ERR_FORMAT; `len` may be larger), the hash (TML_ERR_CRC), then every structural
 * rule of docs/model_format.md (TML_ERR_FORMAT). A blob planned for kernels that need more scratch than
 * it reserves gives TML_ERR_UNSUPPORTED, and so does a blob with a front end in an application that
 * links no front-end code (it calls none of tml/features.h nor tml_model_prepare_features: the
 * validation of front ends is then left out of the image, see docs/features.md), and a blob with an
 * anomaly block in an application that links no anomaly code (it calls neither tml_model_anomaly nor
 * a function of tml/anomaly.h), and a blob with an output heads table in an application that reads no
 * values or class scores (it calls none of tml_model_values, tml_model_value_count,
 * tml_model_value_name, tml_model_class_scores).
 * @param[out] model  filled on success only
 * @param[in]  blob   the model blob, at a 4-aligned address (else TML_ERR_ARG)
 * @param[in]  len    bytes available at `blob`
 * @return TML_OK or a negative tml_status; never reads outside blob[0, len).
 */
int tml_model_init(tml_model* model, const uint8_t* blob, size_t len);

/**
 * Classes the model's output holds: output_channels of a classifier (with or without a K-means anomaly
 * block), 0 for an anomaly detector alone (a K-means block without layers, or an autoencoder, whose
 * output is the reconstruction of its input). With an output heads table: the class head's channels,
 * output [0, count) -- 0 for a model of value heads alone.
 */
uint32_t tml_model_class_count(const tml_model* model);

// Value heads a model can have: one per head of the heads table at most.
#define TML_MODEL_MAX_VALUES TML_MODEL_MAX_HEADS

/** Value heads (regression targets) of the model: 0 without a heads table. They follow the class head in the output. */
uint32_t tml_model_value_count(const tml_model* model);

/** Name of value head `index` ("rain_mm": NUL-terminated, in the blob), or NULL out of range. */
const char* tml_model_value_name(const tml_model* model, uint32_t index);

// Classes whose probabilities tml_model_class_scores computes for a class head beside value heads
// (TML_MSG_PREDICTION carries at most 255 scores); a blob with a larger such head is refused.
#define TML_MODEL_MAX_HEAD_CLASSES 255

/**
 * @brief The class scores of the model's int8 output (tml_model_output after a run), as the board sends
 *        and ranks them: tml_model_class_count() int8 values.
 *
 * A classifier's output is its scores (a final softmax's probabilities, scale 1/256, zero point -128):
 * they are copied. A multi-output model's network ends with the dense layer that computes the class
 * logits and the values together, so its class scores are tml_softmax_s8 of the logits [0, class_count),
 * with the exp multiplier tml_model_init derived from the output scale (class_exp_multiplier): the
 * same probabilities, in the same quantization, as a classifier's. Integer only: the host and the board
 * agree bit for bit.
 * @param[out] scores    at least tml_model_class_count() bytes (not `output`)
 * @param[in]  capacity  bytes at `scores`
 * @return TML_OK, or TML_ERR_ARG for a null pointer or a capacity below tml_model_class_count().
 */
int tml_model_class_scores(const tml_model* model, const int8_t* output, int8_t* scores, uint32_t capacity);

/**
 * @brief The real values of the value heads from the model's int8 output (tml_model_output after a run).
 *
 * Value head i reads output channel class_count + i: y = output_scale * (float)(q - output_zero_point),
 * then values[i] = y * std + mean with the head's std and mean; each step one IEEE-754 single-precision
 * operation in this order (built with -ffp-contract=off: never fused), so the host and the board agree
 * bit for bit. Nothing is written beyond values[tml_model_value_count()).
 * @param[in]  output    int8 [output_channels], e.g. tml_model_output(model, arena)
 * @param[out] values    at least tml_model_value_count() floats
 * @param[in]  capacity  floats at `values`
 * @return TML_OK, or TML_ERR_ARG for a null pointer or a capacity below tml_model_value_count().
 */
int tml_model_values(const tml_model* model, const int8_t* output, float* values, uint32_t capacity);

/**
 * @brief The anomaly score of the window whose network input is in the arena: call it after
 *        tml_model_run (or, for a K-means block without layers, after preparing the input). The arena
 *        plan of a blob with an anomaly block keeps the input intact through the run.
 * @param[in]  arena   the arena of the run, 4-aligned, at least tml_model_arena_size() bytes
 * @param[out] result  score (Q16), threshold, nearest cluster, flag (tml/anomaly.h)
 * @return TML_OK, TML_ERR_ARG, TML_ERR_BUFFER, or TML_ERR_UNSUPPORTED when the model has no anomaly block.
 */
int tml_model_anomaly(const tml_model* model, const void* arena, size_t arena_len, tml_anomaly_result* result);

/** Exact arena bytes tml_model_run needs (the blob's arena_size). */
uint32_t tml_model_arena_size(const tml_model* model);
/** Bytes of the model input (input_time * input_channels) and of the output. */
uint32_t tml_model_input_size(const tml_model* model);
uint32_t tml_model_output_size(const tml_model* model);

/** Where the model input goes in `arena` (int8 [input_time][input_channels]). */
int8_t* tml_model_input(const tml_model* model, void* arena);
/** Where the model output is after a run (int8 [output_time][output_channels]). */
const int8_t* tml_model_output(const tml_model* model, const void* arena);
/**
 * Where the logits are after a run: the input of a final softmax layer (kept intact by the plan), or
 * the output when the model does not end in a softmax. Their quantization is model->logits_scale and
 * model->logits_zero_point.
 */
const int8_t* tml_model_logits(const tml_model* model, const void* arena);

/**
 * @brief Normalises and quantizes a window of raw sensor values into the model's int8 input.
 *
 * For element (t, c): v = raw[t*C + c]; if the blob has normalisation, v = (v - mean[c]) * inv_std[c];
 * then q = round(v / input_scale) + input_zero_point, clamped to -128..127 (round: to nearest, ties
 * away from zero; NaN counts as 0). Every step is one IEEE-754 single-precision operation in this
 * order and the library is built with -ffp-contract=off, so the host and a Cortex-M4F give the same
 * bytes; the host evaluation must call this same function.
 * @param[in]  raw    float [input_time][input_channels]
 * @param[in]  count  number of raw values: must be tml_model_input_size() (else TML_ERR_ARG)
 * @param[out] out    int8 [input_time][input_channels], e.g. tml_model_input(model, arena)
 */
int tml_model_prepare_input(const tml_model* model, const float* raw, size_t count, int8_t* out);

/**
 * @brief Scratch bytes tml_model_prepare_features needs: the network input as floats (input_time *
 *        input_channels) plus the front end's tml_features_buffer_size; 0 for a model without a front end.
 */
uint32_t tml_model_features_buffer_size(const tml_model* model);

/**
 * @brief Turns a raw window into the model's int8 input: the front end (if the blob has one), then
 *        normalisation and quantization exactly as tml_model_prepare_input.
 *
 * This is what the board, host evaluation and training's feature extraction all call, so their inputs
 * are the same bytes. Without a front end it is tml_model_prepare_input on `raw` (no scratch needed).
 * @param[in]  raw          float [raw_rows][raw_axes] of the front end (else the network input)
 * @param[in]  count        raw values: tml_features_input_size(&model->features), or
 *                          tml_model_input_size() without a front end (else TML_ERR_ARG)
 * @param[in]  scratch      4-aligned, at least tml_model_features_buffer_size() bytes (else TML_ERR_ARG,
 *                          TML_ERR_BUFFER); may be NULL when that is 0
 * @param[out] out          int8 [input_time][input_channels], e.g. tml_model_input(model, arena)
 */
int tml_model_prepare_features(const tml_model* model, const float* raw, size_t count, void* scratch,
                               size_t scratch_len, int8_t* out);

/**
 * @brief Runs every layer.
 * @param[in,out] arena      4-aligned (else TML_ERR_ARG), at least tml_model_arena_size() bytes
 *                           (else TML_ERR_BUFFER); only its first tml_model_arena_size() bytes are touched
 * @param[in]     input      NULL if the input is already at tml_model_input(), else copied there first
 *                           (must not overlap the arena otherwise)
 * @param[out]    output     NULL, or tml_model_output_size() bytes that receive a copy of the output
 * @return TML_OK, TML_ERR_ARG or TML_ERR_BUFFER.
 */
int tml_model_run(const tml_model* model, void* arena, size_t arena_len, const int8_t* input, int8_t* output);

/** Runs layer `index` alone (for per-layer measurements); the same checks as tml_model_run. */
int tml_model_run_layer(const tml_model* model, void* arena, size_t arena_len, uint32_t index);

/** Copies layer record `index` into *layer. TML_ERR_ARG if index >= layer_count. */
int tml_model_layer(const tml_model* model, uint32_t index, tml_layer_record* layer);

/**
 * Label of class `index` (NUL-terminated, in the blob), or NULL without labels or out of range: of the
 * class head with a heads table (index < tml_model_class_count), of output channel `index` without one.
 */
const char* tml_model_label(const tml_model* model, uint32_t index);

/** FNV-1a 32 of blob[0, len) leaving out bytes 12..15 (the header's hash field). */
uint32_t tml_model_hash(const uint8_t* blob, size_t len);

/**
 * @brief Output shape of a layer from its kind, input shape and geometry (the rule the runner checks
 *        and the blob writer uses): fully connected {1, out_channels}; conv1d T_conv = (in_time +
 *        pad_left + pad_right - kernel_size) / stride + 1 steps, then (T_conv - pool_size) /
 *        pool_stride + 1 with fused pooling, and out_channels; depthwise conv1d and pooling likewise
 *        (no fused pooling) with in_channels;
 *        global average pooling {1, in_channels}; softmax the input shape.
 * @return TML_OK, or TML_ERR_FORMAT for an unknown kind or impossible geometry (zero sizes, padding
 *         not below the kernel size, a window longer than the padded input).
 */
int tml_layer_output_dims(const tml_layer_record* layer, tml_dims* out);

/**
 * @brief The static memory planner, for the blob writer: computes where every activation and scratch
 *        buffer lives in the arena, writes the offsets into the layer records, the arena size into
 *        the header and refreshes the hash.
 *
 * The layers form a chain, so buffer i (the input of layer i, the output of layer i-1; buffer 0 is the
 * model input) is live only while layers i-1 and i run. Even buffers go at the bottom of the arena,
 * odd ones at the top, each layer's scratch in the gap between; every size is rounded up to 4 bytes.
 * The arena is max over layers of (input + output + scratch): the least any plan can use, since each
 * layer needs all three at once. Scratch sizes are this build's tml_<op>_s8_buffer_size(). With an
 * anomaly block the model input (buffer 0) stays live for the whole run: it keeps the bottom of the
 * arena and the other even buffers go just above it (arena = input + the largest input + output +
 * scratch of the later layers, or of layer 0 its output + scratch, whichever is larger: again the least
 * possible). Without layers (a K-means block alone) the arena is the input.
 * @param[in,out] blob  a blob whose structure is valid (everything tml_model_init checks except the
 *                      hash and the arena plan); at a 4-aligned address
 * @return TML_OK, or the status tml_model_init would give for the structure.
 */
int tml_model_plan(uint8_t* blob, size_t len);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_MODEL_H
