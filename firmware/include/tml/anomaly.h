// Anomaly scores: how far a window lies from the "normal" data a model was trained on, in int32 fixed
// point, on the board and on the host from the same source (docs/anomaly.md has the definitions).
//
// The model blob's anomaly block (model_format.h, tml_anomaly_record) holds one of two scorers of the
// network input -- the int8 vector the front end, normalisation and quantization make of a raw window:
//   - K-means (TML_ANOMALY_KMEANS): the distance to the nearest of K int8 centres minus that cluster's
//     radius, scaled per cluster (Edge Impulse's K-means anomaly block);
//   - autoencoder (TML_ANOMALY_AUTOENCODER): the model's layers reconstruct their input; the score is the
//     scaled sum of squared differences of input and reconstruction (MLPerf Tiny's anomaly detection).
// Each ends in a Q16 score (real = score / 65536) and a flag: anomalous when score > threshold, the
// threshold chosen by the host on a validation split at a false-alarm rate and stored in the block.
//
// Use on a board, after tml_model_init and tml_model_run (the arena plan keeps the network input intact):
//
//   tml_anomaly_result a;
//   if (tml_model_anomaly(&model, arena, sizeof arena, &a) == TML_OK && a.anomalous) { ...alarm... }
//
// A K-means block may stand alone (a blob with no layers): tml_model_prepare_features, then
// tml_model_anomaly, no run needed. The distances and errors are the kernels tml_nearest_centre_s8 and
// tml_squared_error_s8 (kernels.h). No heap, no floating point: integer arithmetic only.
#ifndef TML_ANOMALY_H
#define TML_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

#include "tml/model_format.h"
#include "tml/status.h"

#ifdef __cplusplus
extern "C" {
#endif

// A validated anomaly block: a view of its bytes, which must stay in place while it is used.
typedef struct tml_anomaly {
  const uint8_t* block;       // NULL when there is none (kind TML_ANOMALY_NONE)
  uint32_t kind;              // tml_anomaly_kind
  tml_anomaly_record record;  // a copy of the block's record
} tml_anomaly;

// The score of one window.
typedef struct tml_anomaly_result {
  int32_t score;      // Q16 (TML_ANOMALY_SCORE_BITS): real score = score / 65536
  int32_t threshold;  // the block's threshold, Q16
  int32_t cluster;    // K-means: the nearest centre; autoencoder: -1
  uint8_t anomalous;  // 1 when score > threshold
  uint8_t reserved[3];
} tml_anomaly_result;

/**
 * @brief Validates an anomaly block and prepares a view of it (no copy).
 *
 * Checks every rule of docs/model_format.md#anomaly-block: kind, record size, block size (a multiple of
 * 4, at most `len`), dims 1 .. TML_ANOMALY_MAX_DIMS, clusters, every table inside the block and
 * 4-aligned, every multiplier 0 or 2^30 .. 2^31-1, every shift -31 .. 30, every radius within
 * +-TML_ANOMALY_MAX_OFFSET, fields the kind does not use and reserved fields 0. Whether dims matches a
 * model's input is tml_model_init's check.
 * @param[out] a      filled on success only
 * @param[in]  block  the block (record then tables) at a 4-aligned address (else TML_ERR_ARG)
 * @param[in]  len    bytes available at `block`
 * @return TML_OK, TML_ERR_ARG or TML_ERR_FORMAT; never reads outside block[0, len).
 */
int tml_anomaly_init(tml_anomaly* a, const void* block, size_t len);

/**
 * @brief The anomaly score of one network input.
 * @param[in]  input   int8 [dims]: the network input (tml_model_input after tml_model_prepare_features)
 * @param[in]  output  autoencoder: int8 [dims], the reconstruction (the model output); K-means: ignored
 *                     (may be NULL)
 * @param[out] result  score, threshold, nearest cluster, flag
 * @return TML_OK, or TML_ERR_ARG for a null pointer or an `a` without a block.
 */
int tml_anomaly_score(const tml_anomaly* a, const int8_t* input, const int8_t* output, tml_anomaly_result* result);

/**
 * @brief v * multiplier * 2^(shift - 31), rounded to nearest with ties away from zero, saturated to
 *        int32: how a distance or a sum of squares becomes a Q16 score. |v| < 2^32, multiplier
 *        0 .. 2^31-1, shift -31 .. 30 (the product then fits in 64 bits).
 */
int32_t tml_anomaly_scale(int64_t v, int32_t multiplier, int32_t shift);

/** floor(sqrt(v)) of a 64-bit value, bit by bit (no floating point). */
uint32_t tml_isqrt64(uint64_t v);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_ANOMALY_H
