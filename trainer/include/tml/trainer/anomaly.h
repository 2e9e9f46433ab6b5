// Anomaly detection on the host: K-means on the int8 network inputs of "normal" windows, the anomaly
// block it becomes (model_format.h tml_anomaly_record, scored on the board by tml/anomaly.h), the
// threshold at a chosen false-alarm rate, and ROC AUC. docs/anomaly.md explains the method.
//
// Scores are never computed here a second way: every score is the firmware's (tml_model_prepare_features,
// tml_model_run, tml_model_anomaly) run on the host, so the board's scores equal these bit for bit.
//
//   AnomalyOptions o;                             // K-means, spectral features, 8 clusters, 1 % false alarms
//   AnomalyDetector d = train_anomaly_detector(normal_train, normal_validation, o);  // raw windows
//   std::vector<int32_t> s = anomaly_scores(d.blob, test_windows);                  // Q16 scores
//   double auc = roc_auc(scores_of_normal, scores_of_faults);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tml/trainer/blob_writer.h"
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

// The two detectors (docs/anomaly.md): K-means in feature space, the distance to the nearest centre
// (Edge Impulse's anomaly block), and a dense autoencoder, the reconstruction error (MLPerf Tiny's).
enum class AnomalyMethod { kmeans, autoencoder };
const char* anomaly_method_name(AnomalyMethod method);  // "kmeans", "autoencoder"
// Throws UsageError for anything else.
AnomalyMethod parse_anomaly_method(const std::string& name);

struct AnomalyOptions {
  AnomalyMethod method = AnomalyMethod::kmeans;
  SpectralConfig spectral;         // the front end (its window_rows, axes and sample_rate must match the data)
  double false_alarm_rate = 0.01;  // of normal validation windows above the threshold
  double range_sigmas = 6;         // int8 input range: +- this many standard deviations at least
  uint64_t seed = 1;
  // K-means: clusters, and the score. per_cluster_scaling true: score = (distance - cluster's mean
  // distance) / cluster's spread; false: the distance to the nearest centre itself over the training
  // windows' RMS distance (one scale for all, as scikit-learn's KMeans distance).
  int clusters = 8;
  bool per_cluster_scaling = false;
  // Autoencoder: dense layers (ReLU) between the input and its reconstruction, and their training (Adam,
  // mean squared reconstruction error), the best of `restarts` by the validation windows' error.
  std::vector<int> hidden{64, 32, 64};
  int restarts = 3;
  int epochs = 100;
  int batch = 32;
  float learning_rate = 1e-3f;
};

struct AnomalyDetector {
  std::vector<uint8_t> blob;  // the model: front end, normalisation, the block (and the autoencoder's layers)
  int32_t threshold = 0;      // Q16, also in the blob
  int features = 0;           // the network input's length
  int clusters = 0;           // K-means: K; autoencoder: 0
  double train_loss = 0;      // autoencoder: the float network's mean squared error, last epoch; else 0
};

// Trains on raw windows [count][window_rows][axes] (physical units) of normal operation. Both methods
// read the same int8 network inputs: spectral features by the firmware's front end, standardised per
// feature, quantized to int8 at zero point 0.
//   kmeans       K-means on them, each cluster's radius and spread from its training members' distances
//   autoencoder  trained in float on the dequantized inputs, quantized per channel with the
//                reconstruction in the input's own quantization; score = the sum of squared int8
//                differences over the training windows' mean (1.0 is a usual window)
// The threshold comes from the validation windows' scores (the training windows' if `validation` is
// empty). Throws Error with a clear message for no windows, a single window, fewer windows than
// clusters, a NaN or infinity, windows whose features never vary (a constant signal), or settings out
// of range.
AnomalyDetector train_anomaly_detector(const std::vector<float>& train, const std::vector<float>& validation,
                                       const AnomalyOptions& options);

// A classifier (or any blob without an anomaly block) gains a K-means block over its own network input:
// the normal windows of its network input before normalisation ([input_time][input_channels] each: the
// front end's output, or the raw window of a model without one) are normalised and quantized as the
// blob does (tml_model_prepare_input), and K-means, per-cluster scaling and the threshold are as above (the options'
// method, spectral and range_sigmas are not used: the model's own input is). Sets model.anomaly;
// returns the threshold. Throws Error as train_anomaly_detector does.
int32_t add_kmeans_block(QuantizedModel& model, const std::vector<float>& train, const std::vector<float>& validation,
                         const AnomalyOptions& options);

// The anomaly scores (Q16) of raw windows under a blob with an anomaly block, by the firmware's own
// functions. Throws Error if the blob is invalid, has no anomaly block, or `windows` is not a whole
// number of raw windows.
std::vector<int32_t> anomaly_scores(const std::vector<uint8_t>& blob, const std::vector<float>& windows);

}  // namespace tml::trainer
