// Anomaly detection on the host: K-means on the int8 network inputs of "normal" windows, the anomaly
// block it becomes (model_format.h tml_anomaly_record, scored on the board by tml/anomaly.h), the
// threshold at a chosen false-alarm rate, and ROC AUC. docs/anomaly.md explains the method.
//
// Scores are never computed here a second way: every score is the firmware's (tml_model_prepare_features,
// tml_model_run, tml_model_anomaly) run on the host, so the board's scores equal these bit for bit.
//
//   KMeansDetectorOptions o;                      // spectral features, 8 clusters, 1 % false alarms
//   KMeansDetector d = train_kmeans_detector(normal_train, normal_validation, o);   // raw windows
//   std::vector<int32_t> s = anomaly_scores(d.blob, test_windows);                  // Q16 scores
//   double auc = roc_auc(scores_of_normal, scores_of_faults);
#pragma once

#include <cstdint>
#include <vector>

#include "tml/trainer/front_end.h"

namespace tml::trainer {

// K-means++ seeding then Lloyd iterations (to convergence or `iterations`), best of `restarts` runs by
// inertia. points [n][dims]; returns the centres [clusters][dims]. Throws Error unless 1 <= clusters <= n.
std::vector<float> kmeans(const std::vector<float>& points, int dims, int clusters, uint64_t seed,
                          int iterations = 100, int restarts = 3);

// The anomaly block bytes of a K-means detector: int8 centres [clusters][dims] in the network input's
// quantization, and per cluster the radius (Q8 int8 steps), multiplier and shift of the score (see
// tml_anomaly_record). Validated with tml_anomaly_init; throws Error if it rejects them.
std::vector<uint8_t> kmeans_anomaly_block(int dims, const std::vector<int8_t>& centres, const std::vector<int32_t>& radius,
                                          const std::vector<int32_t>& multiplier, const std::vector<int32_t>& shift,
                                          int32_t threshold);
// The anomaly block of an autoencoder over `dims` values: score = sum of squares * multiplier * 2^(shift-31).
std::vector<uint8_t> autoencoder_anomaly_block(int dims, int32_t multiplier, int32_t shift, int32_t threshold);

// The threshold at which at most floor(rate * n) of the normal scores are above it (anomalous means
// score > threshold): the (1 - rate) quantile of the normal validation scores. Throws Error for no
// scores or a rate outside [0, 1).
int32_t threshold_at_false_alarm_rate(std::vector<int32_t> normal_scores, double rate);

// Area under the ROC curve of "anomalous scores above normal ones": the probability that a random
// anomalous window scores higher than a random normal one, ties counting half. Throws Error if either
// side is empty.
double roc_auc(const std::vector<double>& normal, const std::vector<double>& anomalous);

struct KMeansDetectorOptions {
  SpectralConfig spectral;         // the front end (its window_rows, axes and sample_rate must match the data)
  int clusters = 8;
  double false_alarm_rate = 0.01;  // of normal validation windows above the threshold
  double range_sigmas = 6;         // int8 input range: +- this many standard deviations at least
  uint64_t seed = 1;
  // true: score = (distance - cluster's mean distance) / cluster's spread (docs/anomaly.md); false: the
  // distance to the nearest centre itself over the training windows' RMS distance (one scale for all).
  bool per_cluster_scaling = true;
};

struct KMeansDetector {
  std::vector<uint8_t> blob;  // the model: front end, normalisation, the K-means block, no layers
  int32_t threshold = 0;      // Q16, also in the blob
  int clusters = 0;
  int features = 0;           // the network input's length
};

// Trains on raw windows [count][window_rows][axes] (physical units) of normal operation: spectral
// features by the firmware's front end, standardised per feature, quantized to int8, K-means on them,
// each cluster's radius and spread from its training members' distances, and the threshold from the
// validation windows' scores (the training windows' if `validation` is empty). Throws Error with a clear
// message for no windows, fewer windows than clusters (a single window), a NaN or infinity, or windows
// whose features never vary (a constant signal).
KMeansDetector train_kmeans_detector(const std::vector<float>& train, const std::vector<float>& validation,
                                     const KMeansDetectorOptions& options);

// The anomaly scores (Q16) of raw windows under a blob with an anomaly block, by the firmware's own
// functions. Throws Error if the blob is invalid, has no anomaly block, or `windows` is not a whole
// number of raw windows.
std::vector<int32_t> anomaly_scores(const std::vector<uint8_t>& blob, const std::vector<float>& windows);

}  // namespace tml::trainer
