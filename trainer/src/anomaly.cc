#include "tml/trainer/anomaly.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "tml/anomaly.h"
#include "tml/kernels.h"
#include "tml/model.h"
#include "tml/requant.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/activation.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/error.h"
#include "tml/trainer/optimizer.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/sequential.h"

namespace tml::trainer {
namespace {

double squared_distance(const float* a, const float* b, int dims) {
  double s = 0;
  for (int i = 0; i < dims; ++i) {
    const double d = double(a[i]) - double(b[i]);
    s += d * d;
  }
  return s;
}

// One k-means run; returns the inertia.
double kmeans_once(const std::vector<float>& x, int dims, int k, std::mt19937_64& rng, int iterations,
                   std::vector<float>& centres) {
  const size_t n = x.size() / size_t(dims);
  centres.assign(size_t(k) * size_t(dims), 0.0f);
  // k-means++: each next centre drawn with probability proportional to the squared distance to the nearest.
  std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
  size_t first = std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  std::copy_n(&x[first * size_t(dims)], dims, &centres[0]);
  for (int c = 1; c < k; ++c) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      nearest[i] = std::min(nearest[i], squared_distance(&x[i * size_t(dims)], &centres[size_t(c - 1) * size_t(dims)], dims));
      total += nearest[i];
    }
    size_t pick = 0;
    if (total > 0) {
      double r = std::uniform_real_distribution<double>(0, total)(rng);
      for (pick = 0; pick + 1 < n && r >= nearest[pick]; ++pick) r -= nearest[pick];
    } else {
      pick = std::uniform_int_distribution<size_t>(0, n - 1)(rng);
    }
    std::copy_n(&x[pick * size_t(dims)], dims, &centres[size_t(c) * size_t(dims)]);
  }
  std::vector<int> assign(n, -1);
  double inertia = 0;
  for (int it = 0; it < iterations; ++it) {
    bool changed = false;
    inertia = 0;
    std::vector<double> best(n);
    for (size_t i = 0; i < n; ++i) {
      int b = 0;
      double bd = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c) {
        const double d = squared_distance(&x[i * size_t(dims)], &centres[size_t(c) * size_t(dims)], dims);
        if (d < bd) bd = d, b = c;
      }
      best[i] = bd;
      inertia += bd;
      if (assign[i] != b) assign[i] = b, changed = true;
    }
    if (!changed && it > 0) break;
    std::vector<double> sum(size_t(k) * size_t(dims), 0.0);
    std::vector<size_t> count(size_t(k), 0);
    for (size_t i = 0; i < n; ++i) {
      ++count[size_t(assign[i])];
      for (int d = 0; d < dims; ++d) sum[size_t(assign[i]) * size_t(dims) + size_t(d)] += x[i * size_t(dims) + size_t(d)];
    }
    for (int c = 0; c < k; ++c) {
      if (count[size_t(c)] == 0) {  // an empty cluster takes the point farthest from its centre
        const size_t far = size_t(std::max_element(best.begin(), best.end()) - best.begin());
        std::copy_n(&x[far * size_t(dims)], dims, &centres[size_t(c) * size_t(dims)]);
        best[far] = 0;
        continue;
      }
      for (int d = 0; d < dims; ++d)
        centres[size_t(c) * size_t(dims) + size_t(d)] =
            float(sum[size_t(c) * size_t(dims) + size_t(d)] / double(count[size_t(c)]));
    }
  }
  return inertia;
}

int8_t saturate8(double v) { return static_cast<int8_t>(std::clamp(std::lround(v), -128L, 127L)); }

uint32_t append(std::vector<uint8_t>& b, const void* p, size_t n) {
  while (b.size() % 4) b.push_back(0);
  const uint32_t at = static_cast<uint32_t>(b.size());
  b.resize(b.size() + n);
  if (n) std::memcpy(b.data() + at, p, n);
  return at;
}

std::vector<uint8_t> finish_block(std::vector<uint8_t> b, tml_anomaly_record r) {
  while (b.size() % 4) b.push_back(0);
  r.size = static_cast<uint32_t>(b.size());
  std::memcpy(b.data(), &r, sizeof r);
  std::vector<uint32_t> aligned(b.size() / 4);
  std::memcpy(aligned.data(), b.data(), b.size());
  tml_anomaly a;
  if (tml_anomaly_init(&a, aligned.data(), b.size()) != TML_OK)
    throw Error("the anomaly block is not valid (a parameter outside what the board's scoring accepts)");
  return b;
}

tml_anomaly_record new_record(tml_anomaly_kind kind, int dims, int32_t threshold) {
  tml_anomaly_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = static_cast<uint8_t>(kind);
  r.record_size = TML_ANOMALY_RECORD_SIZE;
  r.dims = static_cast<uint32_t>(dims);
  r.threshold = threshold;
  return r;
}

// The int8 network inputs of raw windows under a blob (the firmware's front end, normalisation and quantization).
std::vector<int8_t> network_inputs(const Blob& blob, const std::vector<float>& windows, size_t raw) {
  const tml_model& model = blob.model();
  const size_t dims = tml_model_input_size(&model);
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1);
  std::vector<uint32_t> scratch(tml_model_features_buffer_size(&model) / 4 + 1);
  std::vector<int8_t> out;
  out.reserve(windows.size() / raw * dims);
  for (size_t w = 0; w + raw <= windows.size(); w += raw) {
    int8_t* in = tml_model_input(&model, arena.data());
    check_status(tml_model_prepare_features(&model, &windows[w], raw, scratch.data(), scratch.size() * 4, in),
                 "the front end rejects a window");
    out.insert(out.end(), in, in + dims);
  }
  return out;
}

// Raw values per window of a blob: its front end's input, or the network input.
size_t raw_window_size(const tml_model& model) {
  return model.features.section ? tml_features_input_size(&model.features) : tml_model_input_size(&model);
}

void check_windows(const std::vector<float>& windows, size_t raw, const char* what) {
  if (windows.size() % raw)
    throw Error(std::string(what) + ": " + std::to_string(windows.size()) + " values are not whole windows of " +
                std::to_string(raw));
  for (size_t i = 0; i < windows.size(); ++i)
    if (!std::isfinite(windows[i]))
      throw Error(std::string(what) + " window " + std::to_string(i / raw) + " holds a NaN or infinite value (row " +
                  std::to_string(i % raw) + " of its values)");
}

// A K-means block that only stands in while the network inputs are computed (they do not depend on it).
std::vector<uint8_t> placeholder_block(size_t dims) {
  return kmeans_anomaly_block(int(dims), std::vector<int8_t>(dims, 0), {0}, {0}, {0}, 0);
}

// What both detectors of spectral features start from: the normal training windows' features, their
// standardisation (float32, as the board's tml_model_prepare_input; a feature that never varies keeps
// std 1) and an int8 input quantization at zero point 0 covering +-max(range_sigmas, 1.25 x the largest
// training value) standard deviations. model() is the blob's front end, normalisation and input.
struct NormalInputs {
  FrontEnd fe;
  size_t raw = 0, dims = 0, n = 0;
  QuantizedModel model;
  std::vector<int8_t> q;  // the training windows' int8 network inputs [n][dims], as the board computes them
  const std::vector<float>& train;  // the raw training windows
};

NormalInputs normal_inputs(const SpectralConfig& spectral, const std::vector<float>& train,
                           const std::vector<float>& validation, double range_sigmas) {
  NormalInputs in{FrontEnd::spectral(spectral), 0, 0, 0, {}, {}, train};
  in.raw = in.fe.input_size();
  check_windows(train, in.raw, "normal training");
  check_windows(validation, in.raw, "normal validation");
  in.n = train.size() / in.raw;
  if (in.n == 0) throw Error("there are no normal windows to train the anomaly detector on");
  if (in.n < 2) throw Error("a single normal window: the anomaly detector needs at least 2 to learn what normal is");
  if (!(range_sigmas > 0)) throw Error("range_sigmas must be positive");
  const size_t n = in.n, dims = in.dims = in.fe.output_size();
  std::vector<float> features(n * dims);
  for (size_t w = 0; w < n; ++w) in.fe.compute(&train[w * in.raw], in.raw, &features[w * dims]);
  std::vector<float> mean(dims), inv_std(dims);
  bool varies = false;
  for (size_t d = 0; d < dims; ++d) {
    double s = 0, s2 = 0;
    for (size_t w = 0; w < n; ++w) s += features[w * dims + d];
    const double m = s / double(n);
    for (size_t w = 0; w < n; ++w) s2 += (features[w * dims + d] - m) * (features[w * dims + d] - m);
    const double sd = std::sqrt(s2 / double(n));
    const bool constant = !(sd > 1e-6 * std::max(1.0, std::fabs(m)));
    varies = varies || !constant;
    mean[d] = float(m);
    inv_std[d] = 1.0f / float(constant ? 1.0 : sd);
  }
  if (!varies)
    throw Error("the normal windows' features never vary (a constant signal?): there is nothing to learn what normal is");
  double largest = 0;
  for (size_t w = 0; w < n; ++w)
    for (size_t d = 0; d < dims; ++d) largest = std::max(largest, (double)std::fabs((features[w * dims + d] - mean[d]) * inv_std[d]));
  QuantizedModel& m = in.model;
  m.input_time = in.fe.out_time();
  m.input_channels = in.fe.out_channels();
  m.input_scale = float(std::max(range_sigmas, 1.25 * largest) / 127.0);
  m.input_zero_point = 0;
  m.mean = mean;
  m.inv_std = inv_std;
  m.features = in.fe.section();
  m.anomaly = placeholder_block(dims);
  in.q = network_inputs(Blob(write_model_blob(m)), train, in.raw);
  m.anomaly.clear();
  return in;
}

// The anomaly scores (Q16) of windows under a blob: raw windows (the front end's input, anomaly_scores),
// or with `network_input` the network input before normalisation ([input_time][input_channels]: the
// front end's output, or the raw window of a model without one), by tml_model_prepare_input.
std::vector<int32_t> scores_of(const std::vector<uint8_t>& bytes, const std::vector<float>& windows, bool network_input) {
  const Blob blob(bytes);
  const tml_model& model = blob.model();
  if (!model.anomaly.block) throw Error("the model has no anomaly block");
  const size_t raw = network_input ? tml_model_input_size(&model) : raw_window_size(model);
  check_windows(windows, raw, "scored");
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1);
  std::vector<uint32_t> scratch(tml_model_features_buffer_size(&model) / 4 + 1);
  std::vector<int32_t> scores;
  for (size_t w = 0; w + raw <= windows.size(); w += raw) {
    int8_t* in = tml_model_input(&model, arena.data());
    if (network_input)
      check_status(tml_model_prepare_input(&model, &windows[w], raw, in), "the input normalisation");
    else
      check_status(tml_model_prepare_features(&model, &windows[w], raw, scratch.data(), scratch.size() * 4, in),
                   "the front end rejects a window");
    check_status(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr), "the model run");
    tml_anomaly_result r;
    check_status(tml_model_anomaly(&model, arena.data(), arena.size() * 4, &r), "the anomaly score");
    scores.push_back(r.score);
  }
  return scores;
}

// Sets the threshold of model.anomaly from the scores of `normal` windows (raw, or the network input);
// returns it.
int32_t set_threshold(QuantizedModel& model, const std::vector<float>& normal, double rate, bool network_input = false) {
  const int32_t t = threshold_at_false_alarm_rate(scores_of(write_model_blob(model), normal, network_input), rate);
  std::memcpy(model.anomaly.data() + offsetof(tml_anomaly_record, threshold), &t, sizeof t);
  return t;
}

// K-means on int8 network inputs q [n][dims]: the block with each cluster's radius and spread from its
// members' distances (docs/anomaly.md), threshold 0.
std::vector<uint8_t> kmeans_block(const std::vector<int8_t>& q, size_t dims, const AnomalyOptions& o) {
  const size_t n = q.size() / dims;
  if (o.clusters < 1) throw Error("the K-means anomaly detector needs at least 1 cluster");
  if (n < 2 || n < size_t(o.clusters))
    throw Error(std::to_string(n) + " normal window" + (n == 1 ? "" : "s") + " for " + std::to_string(o.clusters) +
                " clusters: K-means needs at least as many windows as clusters, and at least 2");
  const int k = o.clusters;
  const size_t nk = static_cast<size_t>(k);
  const std::vector<float> qf(q.begin(), q.end());
  const std::vector<float> c = kmeans(qf, int(dims), k, o.seed);
  std::vector<int8_t> centres(c.size());
  for (size_t i = 0; i < c.size(); ++i) centres[i] = saturate8(c[i]);

  // Each training window's distance to its nearest centre, as the board computes it (Q8 int8 steps).
  std::vector<std::vector<double>> member(nk);
  for (size_t w = 0; w < n; ++w) {
    int32_t d2 = 0;
    const int32_t near = tml_nearest_centre_s8(int32_t(dims), &q[w * dims], k, centres.data(), &d2);
    member[size_t(near)].push_back(double(tml_isqrt64(uint64_t(d2) << 16)));
  }
  std::vector<double> mu(nk, 0), sd(nk, 0);
  double pooled = 0;
  for (int j = 0; j < k; ++j) {
    const auto& m = member[size_t(j)];
    if (m.empty()) continue;
    for (double v : m) mu[size_t(j)] += v / double(m.size());
    for (double v : m) sd[size_t(j)] += (v - mu[size_t(j)]) * (v - mu[size_t(j)]);
    pooled += sd[size_t(j)];
    sd[size_t(j)] = std::sqrt(sd[size_t(j)] / double(m.size()));
  }
  pooled = std::sqrt(pooled / double(n));
  double rms = 0;  // of every training window's distance
  for (const auto& m : member)
    for (double v : m) rms += v * v / double(n);
  rms = std::sqrt(rms);
  std::vector<int32_t> radius(nk), multiplier(nk), shift(nk);
  for (int j = 0; j < k; ++j) {
    // Small clusters borrow the pooled spread; none is narrower than half of it or than one int8 step.
    const double spread = o.per_cluster_scaling
                              ? std::max({member[size_t(j)].size() >= 3 ? sd[size_t(j)] : pooled, 0.5 * pooled, 256.0})
                              : std::max(rms, 256.0);
    radius[size_t(j)] = o.per_cluster_scaling ? int32_t(std::lround(mu[size_t(j)])) : 0;
    // score (Q16) = (d - radius) / spread * 2^16
    check_status(tml_quantize_multiplier(65536.0 / spread, &multiplier[size_t(j)], &shift[size_t(j)]),
                 "the anomaly score's scale");
  }
  return kmeans_anomaly_block(int(dims), centres, radius, multiplier, shift, 0);
}

}  // namespace

std::vector<float> kmeans(const std::vector<float>& points, int dims, int clusters, uint64_t seed, int iterations,
                          int restarts) {
  if (dims < 1 || points.size() % size_t(dims)) throw Error("k-means: the points are not whole vectors");
  const size_t n = points.size() / size_t(dims);
  if (clusters < 1 || size_t(clusters) > n)
    throw Error("k-means: " + std::to_string(clusters) + " clusters need at least as many points (there are " +
                std::to_string(n) + ")");
  std::mt19937_64 rng(seed);
  std::vector<float> best, centres;
  double best_inertia = std::numeric_limits<double>::infinity();
  for (int r = 0; r < std::max(1, restarts); ++r) {
    const double inertia = kmeans_once(points, dims, clusters, rng, std::max(1, iterations), centres);
    if (inertia < best_inertia) best_inertia = inertia, best = centres;
  }
  return best;
}

std::vector<uint8_t> kmeans_anomaly_block(int dims, const std::vector<int8_t>& centres, const std::vector<int32_t>& radius,
                                          const std::vector<int32_t>& multiplier, const std::vector<int32_t>& shift,
                                          int32_t threshold) {
  const size_t k = radius.size();
  if (dims < 1 || k == 0 || centres.size() != k * size_t(dims) || multiplier.size() != k || shift.size() != k)
    throw Error("the K-means anomaly block needs clusters * dims centres and one radius, multiplier and shift per cluster");
  tml_anomaly_record r = new_record(TML_ANOMALY_KMEANS, dims, threshold);
  r.clusters = static_cast<uint16_t>(std::min<size_t>(k, 0xFFFF));
  std::vector<uint8_t> b(TML_ANOMALY_RECORD_SIZE, 0);
  r.centres_offset = append(b, centres.data(), centres.size());
  r.radius_offset = append(b, radius.data(), 4 * k);
  r.multiplier_offset = append(b, multiplier.data(), 4 * k);
  r.shift_offset = append(b, shift.data(), 4 * k);
  return finish_block(std::move(b), r);
}

std::vector<uint8_t> autoencoder_anomaly_block(int dims, int32_t multiplier, int32_t shift, int32_t threshold) {
  tml_anomaly_record r = new_record(TML_ANOMALY_AUTOENCODER, dims, threshold);
  r.multiplier = multiplier;
  r.shift = shift;
  return finish_block(std::vector<uint8_t>(TML_ANOMALY_RECORD_SIZE, 0), r);
}

int32_t threshold_at_false_alarm_rate(std::vector<int32_t> normal_scores, double rate) {
  if (normal_scores.empty()) throw Error("no normal scores to set the threshold from");
  if (!(rate >= 0 && rate < 1)) throw Error("the false-alarm rate must be in [0, 1)");
  std::sort(normal_scores.begin(), normal_scores.end());
  const size_t allowed = static_cast<size_t>(std::floor(rate * double(normal_scores.size())));
  return normal_scores[normal_scores.size() - 1 - allowed];
}

double roc_auc(const std::vector<double>& normal, const std::vector<double>& anomalous) {
  if (normal.empty() || anomalous.empty()) throw Error("ROC AUC needs normal and anomalous scores");
  // Rank-sum (Mann-Whitney U) with average ranks for ties.
  std::vector<std::pair<double, int>> all;
  for (double s : normal) all.push_back({s, 0});
  for (double s : anomalous) all.push_back({s, 1});
  std::sort(all.begin(), all.end());
  double rank_sum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double rank = (double(i) + double(j - 1)) / 2 + 1;
    for (size_t t = i; t < j; ++t)
      if (all[t].second) rank_sum += rank;
    i = j;
  }
  const double na = double(anomalous.size()), nn = double(normal.size());
  return (rank_sum - na * (na + 1) / 2) / (na * nn);
}

int32_t add_kmeans_block(QuantizedModel& model, const std::vector<float>& train, const std::vector<float>& validation,
                         const AnomalyOptions& o) {
  if (!(o.false_alarm_rate >= 0 && o.false_alarm_rate < 1)) throw Error("the false-alarm rate must be in [0, 1)");
  model.anomaly.clear();
  const Blob blob(write_model_blob(model));
  const tml_model& m = blob.model();
  const size_t dims = tml_model_input_size(&m);
  check_windows(train, dims, "normal training");
  check_windows(validation, dims, "normal validation");
  if (train.empty()) throw Error("there are no normal windows to train the anomaly detector on");
  std::vector<int8_t> q(train.size());
  for (size_t w = 0; w < train.size(); w += dims)
    check_status(tml_model_prepare_input(&m, &train[w], dims, &q[w]), "the input normalisation");
  model.anomaly = kmeans_block(q, dims, o);
  return set_threshold(model, validation.empty() ? train : validation, o.false_alarm_rate, true);
}

namespace {

// The autoencoder's layers and block on the training inputs; returns the float network's last loss.
// A float autoencoder trained on x [n][dims] from `seed`; its last epoch's mean squared error in `loss`.
Sequential fit_autoencoder(const std::vector<float>& x, size_t dims, const AnomalyOptions& o, uint64_t seed,
                           double& loss) {
  const size_t n = x.size() / dims;
  Sequential net;
  for (int h : o.hidden) {
    net.add(std::make_unique<Dense>(h));
    net.add(std::make_unique<ReLU>());
  }
  net.add(std::make_unique<Dense>(int(dims)));
  net.build({1, int(dims)});
  net.init(seed);
  net.reserve(o.batch);
  Adam adam(o.learning_rate);
  const std::vector<Param*> params = net.trainable_params();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  std::vector<float> batch(size_t(o.batch) * dims), grad(size_t(o.batch) * dims);
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    loss = 0;
    for (size_t at = 0; at < n; at += size_t(o.batch)) {
      const int b = int(std::min(n - at, size_t(o.batch)));
      for (int i = 0; i < b; ++i) std::copy_n(&x[order[at + size_t(i)] * dims], dims, &batch[size_t(i) * dims]);
      const float* y = net.forward(batch.data(), b, Mode::Train);
      const float k = 2.0f / float(size_t(b) * dims);
      for (size_t i = 0; i < size_t(b) * dims; ++i) {
        const float e = y[i] - batch[i];
        loss += double(e) * e / double(n * dims);
        grad[i] = k * e;
      }
      net.backward(grad.data(), b, net.size());
      adam.step(params);
    }
    if (!std::isfinite(loss)) throw Error("the autoencoder's training diverged (loss " + std::to_string(loss) + ")");
  }
  return net;
}

// Mean squared reconstruction error of x [n][dims].
double reconstruction_error(Sequential& net, const std::vector<float>& x, size_t dims) {
  const size_t n = x.size() / dims;
  const float* y = net.forward(x.data(), int(n), Mode::Infer);
  double e = 0;
  for (size_t i = 0; i < n * dims; ++i) e += double(y[i] - x[i]) * double(y[i] - x[i]) / double(n * dims);
  return e;
}

// The autoencoder's layers and block on the training inputs: the best of `restarts` networks by their
// reconstruction error on the validation windows (the training windows' without any). Returns its
// training loss.
double train_autoencoder(NormalInputs& in, const std::vector<float>& validation, const AnomalyOptions& o) {
  const size_t n = in.n, dims = in.dims;
  const float scale = in.model.input_scale;
  const auto dequantize = [&](const std::vector<int8_t>& q) {  // what the board's network reads
    std::vector<float> x(q.size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = scale * float(q[i]);
    return x;
  };
  const std::vector<float> x = dequantize(in.q);
  std::vector<float> xv = x;
  if (!validation.empty()) {
    in.model.anomaly = placeholder_block(dims);
    xv = dequantize(network_inputs(Blob(write_model_blob(in.model)), validation, in.raw));
    in.model.anomaly.clear();
  }
  Sequential net;
  double last_loss = 0, best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < std::max(1, o.restarts); ++r) {
    double loss = 0;
    Sequential candidate = fit_autoencoder(x, dims, o, o.seed + uint64_t(r), loss);
    const double e = reconstruction_error(candidate, xv, dims);
    if (e < best) best = e, last_loss = loss, net = std::move(candidate);
  }

  // Quantization: each dense layer's output range from the training inputs (after its ReLU); the
  // reconstruction in the input's quantization, so the board compares them value by value.
  QuantizedModel& m = in.model;
  QuantParams current{scale, 0};
  for (size_t li = 0; li < net.size(); li += 2) {
    const bool last = li + 1 == net.size();
    const float* y = net.forward(x.data(), int(n), Mode::Infer, last ? li + 1 : li + 2);
    Range r;
    const Shape s = net.layer(li).output_shape();
    for (size_t i = 0; i < n * size_t(s.time * s.channels); ++i) r.min = std::min<double>(r.min, y[i]), r.max = std::max<double>(r.max, y[i]);
    const QuantParams q = last ? QuantParams{scale, 0} : choose_quant_params(r);
    QuantizedLayer ql;
    ql.kind = TML_LAYER_FULLY_CONNECTED;
    std::vector<double> weight_scales;
    quantize_parameters(net.layer(li), "autoencoder layer " + std::to_string(li / 2 + 1), current.scale, ql, weight_scales);
    ql.units = int(ql.bias.size());
    ql.output_scale = q.scale;
    ql.output_zero_point = q.zero_point;
    ql.act_min = last ? -128 : q.zero_point;
    set_requantization(ql, current.scale, weight_scales, q.scale);
    m.layers.push_back(std::move(ql));
    current = q;
  }
  // The score: the sum of squared int8 differences over its mean on the training windows.
  int32_t mult = 0, shift = 0;
  check_status(tml_quantize_multiplier(1.0, &mult, &shift), "the anomaly score's scale");
  m.anomaly = autoencoder_anomaly_block(int(dims), mult, shift, 0);
  double usual = 0;
  for (int32_t e : anomaly_scores(write_model_blob(m), in.train)) usual += double(e) / double(n);
  check_status(tml_quantize_multiplier(65536.0 / std::max(usual, 1.0), &mult, &shift), "the anomaly score's scale");
  m.anomaly = autoencoder_anomaly_block(int(dims), mult, shift, 0);
  return last_loss;
}

}  // namespace

const char* anomaly_method_name(AnomalyMethod method) {
  return method == AnomalyMethod::autoencoder ? "autoencoder" : "kmeans";
}

AnomalyMethod parse_anomaly_method(const std::string& name) {
  if (name == "kmeans") return AnomalyMethod::kmeans;
  if (name == "autoencoder") return AnomalyMethod::autoencoder;
  throw UsageError("the anomaly method must be kmeans or autoencoder, not '" + name + "'");
}

AnomalyDetector train_anomaly_detector(const std::vector<float>& train, const std::vector<float>& validation,
                                       const AnomalyOptions& o) {
  if (!(o.false_alarm_rate >= 0 && o.false_alarm_rate < 1)) throw Error("the false-alarm rate must be in [0, 1)");
  if (o.method == AnomalyMethod::autoencoder) {
    if (o.hidden.empty()) throw Error("the autoencoder needs at least one hidden layer");
    for (int h : o.hidden)
      if (h < 1 || h > 4096) throw Error("autoencoder layers must have 1 to 4096 units, not " + std::to_string(h));
    if (o.epochs < 1 || o.batch < 1 || !(o.learning_rate > 0))
      throw Error("the autoencoder needs epochs, batch and learning rate above 0");
  }
  NormalInputs in = normal_inputs(o.spectral, train, validation, o.range_sigmas);
  AnomalyDetector out;
  if (o.method == AnomalyMethod::autoencoder)
    out.train_loss = train_autoencoder(in, validation, o);
  else
    in.model.anomaly = kmeans_block(in.q, in.dims, o), out.clusters = o.clusters;
  out.features = int(in.dims);
  out.threshold = set_threshold(in.model, validation.empty() ? train : validation, o.false_alarm_rate);
  out.blob = write_model_blob(in.model);
  return out;
}

std::vector<int32_t> anomaly_scores(const std::vector<uint8_t>& bytes, const std::vector<float>& windows) {
  return scores_of(bytes, windows, false);
}

}  // namespace tml::trainer
