#include "tml/trainer/anomaly.h"

#include <algorithm>
#include <cmath>
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
#include "tml/trainer/error.h"

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

// The K-means blob over the front end and normalisation: no layers, the network input is the features.
std::vector<uint8_t> kmeans_blob(const FrontEnd& fe, const std::vector<float>& mean, const std::vector<float>& inv_std,
                                 float scale, const std::vector<uint8_t>& block) {
  QuantizedModel m;
  m.input_time = fe.out_time();
  m.input_channels = fe.out_channels();
  m.input_scale = scale;
  m.input_zero_point = 0;
  m.mean = mean;
  m.inv_std = inv_std;
  m.features = fe.section();
  m.anomaly = block;
  return write_model_blob(m);
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

void check_windows(const std::vector<float>& windows, size_t raw, const char* what) {
  if (windows.size() % raw)
    throw Error(std::string(what) + ": " + std::to_string(windows.size()) + " values are not whole windows of " +
                std::to_string(raw));
  for (size_t i = 0; i < windows.size(); ++i)
    if (!std::isfinite(windows[i]))
      throw Error(std::string(what) + " window " + std::to_string(i / raw) + " holds a NaN or infinite value (row " +
                  std::to_string(i % raw) + " of its values)");
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

KMeansDetector train_kmeans_detector(const std::vector<float>& train, const std::vector<float>& validation,
                                     const KMeansDetectorOptions& o) {
  const FrontEnd fe = FrontEnd::spectral(o.spectral);
  const size_t raw = fe.input_size();
  check_windows(train, raw, "normal training");
  check_windows(validation, raw, "normal validation");
  const size_t n = train.size() / raw;
  if (n == 0) throw Error("there are no normal windows to train the anomaly detector on");
  if (o.clusters < 1) throw Error("the K-means anomaly detector needs at least 1 cluster");
  if (n < 2 || n < size_t(o.clusters))
    throw Error(std::to_string(n) + " normal window" + (n == 1 ? "" : "s") + " for " + std::to_string(o.clusters) +
                " clusters: K-means needs at least as many windows as clusters, and at least 2");
  if (!(o.false_alarm_rate >= 0 && o.false_alarm_rate < 1)) throw Error("the false-alarm rate must be in [0, 1)");
  if (!(o.range_sigmas > 0)) throw Error("range_sigmas must be positive");

  // Features and their standardisation (float32, as the board's tml_model_prepare_input).
  const size_t dims = fe.output_size();
  std::vector<float> features(n * dims);
  for (size_t w = 0; w < n; ++w) fe.compute(&train[w * raw], raw, &features[w * dims]);
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
  const float scale = float(std::max(o.range_sigmas, 1.25 * largest) / 127.0);

  // The int8 inputs as the board computes them (a placeholder block: the inputs do not depend on it).
  const std::vector<uint8_t> placeholder = kmeans_anomaly_block(int(dims), std::vector<int8_t>(dims, 0), {0}, {0}, {0}, 0);
  const std::vector<int8_t> q = network_inputs(Blob(kmeans_blob(fe, mean, inv_std, scale, placeholder)), train, raw);

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

  KMeansDetector out;
  out.clusters = k;
  out.features = int(dims);
  std::vector<uint8_t> block = kmeans_anomaly_block(int(dims), centres, radius, multiplier, shift, 0);
  const std::vector<int32_t> normal = anomaly_scores(kmeans_blob(fe, mean, inv_std, scale, block),
                                                     validation.empty() ? train : validation);
  out.threshold = threshold_at_false_alarm_rate(normal, o.false_alarm_rate);
  block = kmeans_anomaly_block(int(dims), centres, radius, multiplier, shift, out.threshold);
  out.blob = kmeans_blob(fe, mean, inv_std, scale, block);
  return out;
}

std::vector<int32_t> anomaly_scores(const std::vector<uint8_t>& bytes, const std::vector<float>& windows) {
  const Blob blob(bytes);
  const tml_model& model = blob.model();
  if (!model.anomaly.block) throw Error("the model has no anomaly block");
  const size_t raw = model.features.section ? tml_features_input_size(&model.features) : tml_model_input_size(&model);
  check_windows(windows, raw, "scored");
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1);
  std::vector<uint32_t> scratch(tml_model_features_buffer_size(&model) / 4 + 1);
  std::vector<int32_t> scores;
  for (size_t w = 0; w + raw <= windows.size(); w += raw) {
    int8_t* in = tml_model_input(&model, arena.data());
    check_status(tml_model_prepare_features(&model, &windows[w], raw, scratch.data(), scratch.size() * 4, in),
                 "the front end rejects a window");
    check_status(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr), "the model run");
    tml_anomaly_result r;
    check_status(tml_model_anomaly(&model, arena.data(), arena.size() * 4, &r), "the anomaly score");
    scores.push_back(r.score);
  }
  return scores;
}

}  // namespace tml::trainer
