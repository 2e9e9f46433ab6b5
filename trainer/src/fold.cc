// Batch-norm folding and the grouping of float layers into int8 layers (see fold.h).
#include "tml/trainer/fold.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "tml/trainer/activation.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/conv1d.h"
#include "tml/trainer/dense.h"
#include "tml/trainer/depthwise_conv1d.h"
#include "tml/trainer/error.h"
#include "tml/trainer/flatten.h"
#include "tml/trainer/pooling.h"

namespace tml::trainer {
namespace {

std::string name_of(const Sequential& net, int source) {
  return "layer " + std::to_string(source) + " (" + net.layer(static_cast<size_t>(source - 1)).type_name() + ")";
}

bool is_linear(LayerKind k) {
  return k == LayerKind::Conv1D || k == LayerKind::Dense || k == LayerKind::DepthwiseConv1D;
}

// A layer of the folded network, before it is built: the original layer's settings and, for conv1d and
// dense, its (folded) parameters.
struct Op {
  const Layer* layer = nullptr;
  std::vector<double> weights, bias;
  std::vector<int> sources;
};

// A batch norm waiting to be folded into the next linear layer: y = s[c] * x + t[c].
struct Pending {
  std::vector<double> s, t;
  std::vector<int> sources;
  int batch_norm = 0;  // the last batch norm's index, for messages
};

void affine_of(const BatchNorm& bn, std::vector<double>& s, std::vector<double>& t) {
  const size_t C = bn.gamma().value.size();
  s.resize(C);
  t.resize(C);
  for (size_t c = 0; c < C; ++c) {
    s[c] = double{bn.gamma().value[c]} / std::sqrt(double{bn.moving_var().value[c]} + double{bn.epsilon()});
    t[c] = double{bn.beta().value[c]} - double{bn.moving_mean().value[c]} * s[c];
  }
}

// The weights of a conv1d or dense layer viewed as [out][rows][in_channels] (dense: rows 1, in = inputs).
// (A depthwise conv1d's weights are [kernel][channels]: weight i belongs to channel i % channels, which is
// both its input and its output channel; it is folded by its own branches below.)
struct LinearView {
  size_t out, rows, in;
};
LinearView view(const Layer& l) {
  if (l.kind() == LayerKind::Conv1D) {
    const auto& c = static_cast<const Conv1D&>(l);
    return {size_t(c.filters()), size_t(c.kernel()), size_t(l.input_shape().channels)};
  }
  return {size_t(static_cast<const Dense&>(l).units()), 1, size_t(l.input_shape().channels)};
}

std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

std::vector<float> to_float(const std::vector<double>& v) {
  std::vector<float> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  return out;
}

std::unique_ptr<Layer> clone_settings(const Layer& l) {
  switch (l.kind()) {
    case LayerKind::Conv1D: {
      const auto& c = static_cast<const Conv1D&>(l);
      return std::make_unique<Conv1D>(c.filters(), c.kernel(), c.stride(), c.padding());
    }
    case LayerKind::Dense: return std::make_unique<Dense>(static_cast<const Dense&>(l).units());
    case LayerKind::DepthwiseConv1D: {
      const auto& c = static_cast<const DepthwiseConv1D&>(l);
      return std::make_unique<DepthwiseConv1D>(c.kernel(), c.stride(), c.padding());
    }
    case LayerKind::MaxPool1D: {
      const auto& p = static_cast<const MaxPool1D&>(l);
      return std::make_unique<MaxPool1D>(p.pool(), p.stride());
    }
    case LayerKind::AvgPool1D: {
      const auto& p = static_cast<const AvgPool1D&>(l);
      return std::make_unique<AvgPool1D>(p.pool(), p.stride());
    }
    case LayerKind::GlobalAveragePool1D: return std::make_unique<GlobalAveragePool1D>();
    case LayerKind::Flatten: return std::make_unique<Flatten>();
    case LayerKind::ReLU: return std::make_unique<ReLU>();
    case LayerKind::Softmax: return std::make_unique<Softmax>();
    default: break;
  }
  throw Error(std::string("internal: cannot copy a ") + l.type_name() + " layer");
}

// Step 1: batch norm folded into its neighbours, dropout gone.
std::vector<Op> fold_batch_norm(const Sequential& net) {
  std::vector<Op> ops;
  Pending pending;
  bool have_pending = false;
  for (size_t i = 0; i < net.size(); ++i) {
    const Layer& l = net.layer(i);
    const int src = static_cast<int>(i) + 1;
    if (l.kind() == LayerKind::Dropout) {  // the identity at inference
      if (have_pending)
        pending.sources.push_back(src);
      else if (!ops.empty())
        ops.back().sources.push_back(src);
      else
        pending.sources.push_back(src);  // carried to the first layer
      continue;
    }
    if (l.kind() == LayerKind::BatchNorm) {
      std::vector<double> s, t;
      affine_of(static_cast<const BatchNorm&>(l), s, t);
      if (!have_pending && !ops.empty() && is_linear(ops.back().layer->kind())) {
        // After a conv1d or dense layer: scale its output channel o by s[o], shift by t[o].
        Op& op = ops.back();
        if (op.layer->kind() == LayerKind::DepthwiseConv1D) {
          const size_t C = op.bias.size();
          for (size_t w = 0; w < op.weights.size(); ++w) op.weights[w] *= s[w % C];
          for (size_t c = 0; c < C; ++c) op.bias[c] = op.bias[c] * s[c] + t[c];
          op.sources.push_back(src);
          continue;
        }
        const LinearView v = view(*op.layer);
        const size_t per_out = v.rows * v.in;
        for (size_t o = 0; o < v.out; ++o) {
          for (size_t k = 0; k < per_out; ++k) op.weights[o * per_out + k] *= s[o];
          op.bias[o] = op.bias[o] * s[o] + t[o];
        }
        op.sources.push_back(src);
        continue;
      }
      if (have_pending) {  // two on the way: one affine map (channel c of the first is c % C of the second)
        const size_t C = pending.s.size();
        std::vector<double> s2(s.size()), t2(s.size());
        for (size_t c = 0; c < s.size(); ++c) {
          s2[c] = pending.s[c % C] * s[c];
          t2[c] = pending.t[c % C] * s[c] + t[c];
        }
        pending.s = std::move(s2);
        pending.t = std::move(t2);
      } else {
        pending.s = s;
        pending.t = t;
        have_pending = true;
      }
      pending.sources.push_back(src);
      pending.batch_norm = src;
      continue;
    }

    Op op;
    op.layer = &l;
    if (is_linear(l.kind())) {
      const auto& w = l.param("weights").value;
      const auto& b = l.param("bias").value;
      op.weights = to_double(w);
      op.bias = to_double(b);
    }
    if (have_pending) {
      const std::string bn = name_of(net, pending.batch_norm);
      const size_t C = pending.s.size();
      switch (l.kind()) {
        case LayerKind::DepthwiseConv1D: {
          const auto& c = static_cast<const DepthwiseConv1D&>(l);
          if (c.pad_left() || c.pad_right())
            throw Error(bn + " cannot be folded into " + name_of(net, src) +
                        ": its 'same' padding would pad with zeros before the batch norm's shift; put the batch norm "
                        "before the activation (directly after a convolution or dense layer) or use 'valid' padding");
          // x -> s x + t on channel c: W'[k][c] = W[k][c] s[c], b'[c] = b[c] + sum_k W[k][c] t[c].
          const size_t channels = op.bias.size();
          for (size_t w = 0; w < op.weights.size(); ++w) {
            const size_t ch = w % channels;
            op.bias[ch] += op.weights[w] * pending.t[ch % C];
            op.weights[w] *= pending.s[ch % C];
          }
          op.sources = pending.sources;
          have_pending = false;
          pending = Pending{};
          break;
        }
        case LayerKind::Conv1D:
        case LayerKind::Dense: {
          if (l.kind() == LayerKind::Conv1D) {
            const auto& c = static_cast<const Conv1D&>(l);
            if (c.pad_left() || c.pad_right())
              throw Error(bn + " cannot be folded into " + name_of(net, src) +
                          ": its 'same' padding would pad with zeros before the batch norm's shift; put the batch norm "
                          "before the activation (directly after a conv1d or dense layer) or use 'valid' padding");
          }
          // x -> s x + t on input channel j % C (flatten keeps channel c at index t * C + c).
          const LinearView v = view(l);
          for (size_t o = 0; o < v.out; ++o) {
            double shift = 0;
            for (size_t r = 0; r < v.rows; ++r)
              for (size_t j = 0; j < v.in; ++j) {
                double& w = op.weights[(o * v.rows + r) * v.in + j];
                shift += w * pending.t[j % C];
                w *= pending.s[j % C];
              }
            op.bias[o] += shift;
          }
          op.sources = pending.sources;
          have_pending = false;
          pending = Pending{};
          break;
        }
        case LayerKind::MaxPool1D:
          for (double s : pending.s)
            if (s < 0)
              throw Error(bn + " cannot be folded: it has a negative scale (gamma) and " + name_of(net, src) +
                          " (max pooling) follows it; put the batch norm directly after a conv1d or dense layer");
          break;
        case LayerKind::AvgPool1D:
        case LayerKind::GlobalAveragePool1D:
        case LayerKind::Flatten: break;  // linear per channel: the map passes through
        default:
          throw Error(bn + " cannot be folded: it is followed by " + name_of(net, src) +
                      " before any conv1d or dense layer; put the batch norm directly after a conv1d or dense layer");
      }
    } else if (!pending.sources.empty()) {  // dropout before the first layer
      op.sources = pending.sources;
      pending.sources.clear();
    }
    op.sources.push_back(src);
    ops.push_back(std::move(op));
  }
  if (have_pending)
    throw Error(name_of(net, pending.batch_norm) +
                " cannot be folded: no conv1d or dense layer follows it, and it does not directly follow one");
  if (!pending.sources.empty() && !ops.empty())
    ops.back().sources.insert(ops.back().sources.end(), pending.sources.begin(), pending.sources.end());
  return ops;
}

// The folded network, built in `f`: the original layers' settings with the folded parameters.
void build_folded(const Sequential& net, const std::vector<Op>& ops, Sequential& f) {
  for (const Op& op : ops) f.add(clone_settings(*op.layer));
  f.build(net.input_shape());
  for (size_t k = 0; k < ops.size(); ++k)
    if (is_linear(ops[k].layer->kind())) {
      f.layer(k).param("weights").value = to_float(ops[k].weights);
      f.layer(k).param("bias").value = to_float(ops[k].bias);
    }
}

// Step 2: the folded layers grouped into the int8 layers of the blob, front to back.
class Grouping {
 public:
  Grouping(const Sequential& original, const Sequential& folded, const std::vector<Op>& ops)
      : original_(original), folded_(folded), ops_(ops), n_(ops.size()) {}

  std::vector<FusedLayer> run() {
    while (k_ < n_) next();
    if (!carried_.empty()) {  // a flatten of a flat output at the very end: part of the last layer
      if (layers_.empty()) throw Error("the network has no layer the int8 runner can execute");
      layers_.back().last = n_ - 1;
      layers_.back().sources.insert(layers_.back().sources.end(), carried_.begin(), carried_.end());
    }
    return std::move(layers_);
  }

 private:
  LayerKind kind_at(size_t k) const { return k < n_ ? folded_.layer(k).kind() : LayerKind::Dropout; }
  // Takes the layer at k_ if it is of `kind`.
  bool take(LayerKind kind) {
    if (kind_at(k_) != kind) return false;
    ++k_;
    return true;
  }

  // The int8 layer that starts at k_ (or a flatten or relu that joins a neighbour).
  void next() {
    const Layer& l = folded_.layer(k_);
    const std::string at = name_of(original_, ops_[k_].sources.back());
    FusedLayer fl;
    fl.first = carried_first_ != SIZE_MAX ? carried_first_ : k_;
    switch (l.kind()) {
      case LayerKind::Conv1D:
        fl.kind = TML_LAYER_CONV1D;
        fl.linear = k_++;
        fl.relu = take(LayerKind::ReLU);
        if (kind_at(k_) == LayerKind::MaxPool1D) fl.pool = k_++;
        if (!fl.relu && fl.pool != SIZE_MAX) fl.relu = take(LayerKind::ReLU);
        break;
      case LayerKind::DepthwiseConv1D:
        fl.kind = TML_LAYER_DEPTHWISE_CONV1D;
        fl.linear = k_++;
        fl.relu = take(LayerKind::ReLU);
        break;
      case LayerKind::Dense:
        fl.kind = TML_LAYER_FULLY_CONNECTED;
        fl.linear = k_++;
        fl.relu = take(LayerKind::ReLU);
        break;
      case LayerKind::MaxPool1D:
      case LayerKind::AvgPool1D:
      case LayerKind::GlobalAveragePool1D:
        fl.kind = l.kind() == LayerKind::MaxPool1D   ? TML_LAYER_MAX_POOL1D
                  : l.kind() == LayerKind::AvgPool1D ? TML_LAYER_AVG_POOL1D
                                                     : TML_LAYER_GLOBAL_AVG_POOL1D;
        fl.pool = k_++;
        fl.relu = take(LayerKind::ReLU);
        break;
      case LayerKind::Flatten:
        if (!l.input_shape().flat() && kind_at(k_ + 1) != LayerKind::Dense)
          throw Error(at + ": the int8 runner flattens only into a dense layer, but " +
                      (k_ + 1 < n_ ? std::string("a ") + folded_.layer(k_ + 1).type_name() + " layer follows"
                                   : std::string("it is the last layer")));
        carried_.insert(carried_.end(), ops_[k_].sources.begin(), ops_[k_].sources.end());
        if (carried_first_ == SIZE_MAX) carried_first_ = k_;
        ++k_;
        return;
      case LayerKind::ReLU:
        if (!layers_.empty() && layers_.back().relu && layers_.back().last + 1 == k_) {  // relu after relu
          layers_.back().last = k_;
          layers_.back().sources.insert(layers_.back().sources.end(), ops_[k_].sources.begin(), ops_[k_].sources.end());
          ++k_;
          return;
        }
        throw Error(at + ": in int8 a relu must follow a conv1d, dense or pooling layer (it becomes that layer's "
                         "output clamp)");
      case LayerKind::Softmax:
        if (k_ + 1 != n_) throw Error(at + ": only a final softmax can run in int8 (on the logits)");
        if (layers_.empty()) throw Error(at + ": a softmax alone is not a model");
        fl.kind = TML_LAYER_SOFTMAX;
        ++k_;
        break;
      default: throw Error(at + ": not supported in int8");
    }
    fl.last = k_ - 1;
    add(std::move(fl));
  }

  // Records an int8 layer with the original layers it stands for, named and described after them.
  void add(FusedLayer fl) {
    for (size_t j = fl.first; j <= fl.last; ++j)
      fl.sources.insert(fl.sources.end(), ops_[j].sources.begin(), ops_[j].sources.end());
    carried_.clear();
    carried_first_ = SIZE_MAX;
    std::sort(fl.sources.begin(), fl.sources.end());
    for (int s : fl.sources) {
      const Layer& src = original_.layer(static_cast<size_t>(s - 1));
      if (src.kind() == LayerKind::Dropout || src.kind() == LayerKind::Flatten) continue;
      fl.description += (fl.description.empty() ? "" : " + ") + describe(src);
      fl.name += (fl.name.empty() ? "" : "+") + std::string(src.type_name());
    }
    layers_.push_back(std::move(fl));
  }

  const Sequential& original_;
  const Sequential& folded_;
  const std::vector<Op>& ops_;
  const size_t n_;
  size_t k_ = 0;
  std::vector<FusedLayer> layers_;
  std::vector<int> carried_;         // sources of a skipped flatten, for the next int8 layer
  size_t carried_first_ = SIZE_MAX;  // and its index
};

}  // namespace

FoldedNet fold(const Sequential& net) {
  if (!net.built()) throw Error("the network must be built before it is quantized");
  const std::vector<Op> ops = fold_batch_norm(net);
  if (ops.empty()) throw Error("the network has no layer the int8 runner can execute");
  FoldedNet f;
  build_folded(net, ops, f.net);
  f.layers = Grouping(net, f.net, ops).run();
  return f;
}

void forward_all(FoldedNet& folded, const float* x, int batch, std::vector<std::vector<float>>& acts) {
  Sequential& net = folded.net;
  net.reserve(batch);
  acts.resize(net.size());
  const float* in = x;
  for (size_t k = 0; k < net.size(); ++k) {
    const size_t n = static_cast<size_t>(net.layer(k).output_shape().size()) * static_cast<size_t>(batch);
    if (acts[k].size() < n) acts[k].resize(n);
    net.layer(k).forward(in, acts[k].data(), batch, Mode::Infer);
    in = acts[k].data();
  }
}

}  // namespace tml::trainer
