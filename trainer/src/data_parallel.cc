#include "data_parallel.h"

#include <algorithm>
#include <functional>

namespace tml::trainer::detail {

DataParallel::DataParallel(Sequential& net, int threads, int batch, int length, int axes, uint64_t seed)
    : net_(net),
      length_(length),
      outputs_(net.output_shape().channels),
      lanes_(static_cast<size_t>(std::min(threads, batch))),
      pool_(lanes()) {
  const int share = (batch + lanes() - 1) / lanes();
  net.reserve(share);
  for (int t = 0; t < lanes(); ++t) {
    Lane& lane = lanes_[static_cast<size_t>(t)];
    if (t == 0) {
      lane.net = &net;
    } else {
      lane.own = std::make_unique<Sequential>(net.copy_layers());
      lane.own->build(Shape{length, axes});
      lane.own->init(seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(t));  // own dropout streams
      lane.own->reserve(share);
      lane.net = lane.own.get();
    }
    lane.x.resize(static_cast<size_t>(share) * length * axes);
    lane.y.resize(static_cast<size_t>(share));
    lane.dlogits.resize(static_cast<size_t>(share) * outputs_);
    lane.t.resize(static_cast<size_t>(share) * outputs_);
  }
  for (auto& lane : lanes_) lane.params = lane.net->trainable_params();
}

void DataParallel::sync_copies() {
  // Here, before any lane runs: lane 0's forward pass updates batch norm's moving statistics.
  for (size_t t = 1; t < lanes_.size(); ++t)
    for (size_t li = 0; li < net_.size(); ++li)
      for (size_t pi = 0; pi < net_.layer(li).params().size(); ++pi)
        lanes_[t].net->layer(li).params()[pi].value = net_.layer(li).params()[pi].value;
}

void DataParallel::add_gradients(const std::vector<int>& counts) {
  const std::vector<Param*>& params = lanes_[0].params;
  for (size_t t = 1; t < lanes_.size(); ++t) {
    if (counts[t] == 0) continue;
    for (size_t pi = 0; pi < params.size(); ++pi) {
      float* g = params[pi]->grad.data();
      const float* h = lanes_[t].params[pi]->grad.data();
      for (size_t i = 0; i < params[pi]->grad.size(); ++i) g[i] += h[i];
    }
  }
}

DataParallel::Step DataParallel::run(const RecordingSet& set, const std::vector<Window>& windows, const uint32_t* order,
                                     int count, const Normalization& norm, const OutputLoss& loss,
                                     const TargetScaling& targets) {
  const int threads = lanes(), per = (count + threads - 1) / threads;
  const float* class_weights = loss.class_weights;
  double weight_sum = 0;  // of the whole batch, to scale each share's mean loss
  for (int i = 0; i < count; ++i) weight_sum += class_weights ? class_weights[windows[order[i]].label] : 1.0f;
  sync_copies();
  std::vector<int> counts(lanes_.size(), 0);
  const std::function<void(int)> work = [&](int t) {
    Lane& lane = lanes_[static_cast<size_t>(t)];
    const int first = std::min(count, t * per);
    const int n = std::min(count, first + per) - first;
    counts[static_cast<size_t>(t)] = n;
    lane.loss = LossResult{};
    if (n == 0) return;
    gather(set, windows.data(), order + first, n, length_, norm, lane.x.data(), lane.y.data());
    if (loss.values > 0) gather_targets(set, windows.data(), order + first, n, length_, targets, lane.t.data());
    const float* z = lane.net->forward(lane.x.data(), n, Mode::Train, lane.net->logits_end());
    double class_share = 1.0, value_share = 1.0;  // this share's part of the batch mean
    if (threads > 1) {
      double share_weight = 0;
      for (int i = 0; i < n; ++i) share_weight += class_weights ? class_weights[lane.y[static_cast<size_t>(i)]] : 1.0f;
      class_share = share_weight / weight_sum;
      value_share = static_cast<double>(n) / count;
    }
    lane.loss = output_loss(loss, z, lane.y.data(), lane.t.data(), n, class_share, value_share, lane.dlogits.data());
    lane.net->backward(lane.dlogits.data(), n, lane.net->logits_end());
  };
  pool_.run(work);
  Step step;
  for (size_t t = 0; t < lanes_.size(); ++t) {
    step.loss += lanes_[t].loss.loss;
    step.correct += lanes_[t].loss.correct;
    step.abs_error += lanes_[t].loss.abs_error;
  }
  add_gradients(counts);
  return step;
}

}  // namespace tml::trainer::detail
