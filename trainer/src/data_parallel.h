// Data-parallel training of one network (private to the trainer): every batch is split into contiguous
// shares, one per lane. Lane 0 trains the model's own network; every other lane a copy of it, whose
// parameters (batch norm's moving statistics included) are copied in before each batch. Afterwards the
// lanes' gradients are added to lane 0's in lane order, so the result depends only on the batch size and
// the lane count, never on timing.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tml/trainer/data.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/sequential.h"
#include "worker_pool.h"

namespace tml::trainer::detail {

class DataParallel {
 public:
  // `net` is built for windows of `length` rows of `axes` values and initialised; batches have up to `batch`
  // windows; the copies get their own dropout streams from `seed`.
  DataParallel(Sequential& net, int threads, int batch, int length, int axes, uint64_t seed);

  int lanes() const { return static_cast<int>(lanes_.size()); }

  struct Step {
    double loss = 0;      // the batch's mean loss (class-weighted)
    int64_t correct = 0;  // windows whose top class is their label
    double abs_error = 0; // value heads: the sum of the windows' mean absolute errors, in target units
  };
  // Forward and backward passes over the windows order[0..count) of `windows`, with the loss `loss` (its
  // value heads read the targets as `targets` says): the whole batch's gradient ends up in the trainable
  // parameters of `net` (the optimizer steps on those).
  Step run(const RecordingSet& set, const std::vector<Window>& windows, const uint32_t* order, int count,
           const Normalization& norm, const OutputLoss& loss, const TargetScaling& targets);

 private:
  struct Lane {
    Sequential* net = nullptr;
    std::unique_ptr<Sequential> own;
    std::vector<float> x, t, dlogits;
    std::vector<int32_t> y;
    LossResult loss;
    std::vector<Param*> params;
  };
  void sync_copies();
  void add_gradients(const std::vector<int>& counts);

  Sequential& net_;
  int length_, outputs_;
  std::vector<Lane> lanes_;
  WorkerPool pool_;
};

}  // namespace tml::trainer::detail
