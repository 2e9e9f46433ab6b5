#include "pipeline/live_run.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::pipeline {

int truth_of(const std::vector<emulator::SimSetup::Segment>& timeline, const std::vector<std::string>& labels,
             uint64_t first, uint64_t window) {
  uint64_t total = 0;
  for (const auto& s : timeline) total += s.rows;
  if (total == 0 || window == 0) return -1;
  uint64_t at = first % total, start = 0;
  for (const auto& s : timeline) {
    if (at < start + s.rows) {
      if (at + window > start + s.rows) return -1;  // spans two recordings
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] == s.label) return static_cast<int>(i);
      return -1;
    }
    start += s.rows;
  }
  return -1;
}

DetectionScore score_detections(const std::vector<emulator::SimSetup::Segment>& timeline,
                                const std::vector<std::string>& labels, const std::vector<LiveDetection>& detections,
                                uint64_t rows, double rate_hz, uint64_t tolerance) {
  DetectionScore s;
  s.hours = rate_hz > 0 ? static_cast<double>(rows) / rate_hz / 3600.0 : 0;
  uint64_t period = 0;
  for (const auto& seg : timeline) period += seg.rows;
  std::vector<bool> used(detections.size(), false);
  double latency = 0;
  for (uint64_t base = 0; period && base < rows; base += period) {
    uint64_t start = base;
    for (const auto& seg : timeline) {
      const uint64_t end = start + seg.rows;
      int label = -1;
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] == seg.label) label = static_cast<int>(i);
      // An event only when it was streamed whole, and the stream went on long enough to detect it.
      if (label >= 0 && seg.label[0] != '_' && end + tolerance <= rows) {
        ++s.events;
        auto& pl = s.per_label[seg.label];
        ++pl.second;
        bool hit = false;
        for (size_t k = 0; k < detections.size(); ++k) {
          const LiveDetection& d = detections[k];
          if (d.label != label || d.index <= start || d.index > end + tolerance || used[k]) continue;
          used[k] = true;
          if (!hit) latency += (static_cast<double>(d.index) - static_cast<double>(end)) / rate_hz;
          hit = true;
        }
        s.hits += hit;
        pl.first += hit;
      }
      start = end;
    }
  }
  s.misses = s.events - s.hits;
  for (size_t k = 0; k < detections.size(); ++k)
    if (!used[k]) ++s.false_alarms;
  s.false_alarms_per_hour = s.hours > 0 ? s.false_alarms / s.hours : 0;
  s.mean_latency_s = s.hits ? latency / s.hits : 0;
  return s;
}

uint64_t LiveRun::rows_streamed() const {
  uint64_t n = rows_received_;
  for (const auto& p : predictions_) n = std::max<uint64_t>(n, uint64_t{p.first_index} + window_);
  return n;
}

void LiveRun::check(const LiveOptions& o) {
  if (o.verify && !o.model) throw UsageError("--verify needs --model (the header the board was flashed with)");
  if (o.seconds < 0) throw UsageError("--seconds must not be negative");
  if (o.detect && tml_detect_params_check(&*o.detect) != TML_OK)
    throw UsageError("--average must be 1 to 16 windows and --threshold above 0 and at most 1");
}

LiveRun::LiveRun(link::BoardLink& board, LiveOptions options) : board_(board), options_(std::move(options)) {
  check(options_);
  session_ = board_.hello();
  if (!(session_.flags & TML_SESSION_FLAG_INFERENCE))
    throw Error(session_.device() + " runs no model; put one on it with: tml flash --board " + options_.flash_hint +
                " --model MODEL.h");
  if (!options_.model) return;
  const trainer::ExportedHeader& m = *options_.model;
  if (m.hash != session_.model_hash)
    throw Error(session_.device() + " runs model " + model_hash() + ", not " + hex32(m.hash) + " from " +
                options_.model_path + "; flash it first");
  labels_ = m.labels;
  value_names_ = m.value_names;
  window_ = m.window_rows;
  if (options_.verify && m.axis_count != session_.axes.size())
    throw Error("the board streams " + std::to_string(session_.axes.size()) + " axes, the model wants " +
                std::to_string(m.axis_count));
  if (options_.verify) host_.emplace(m.blob);
}

std::string LiveRun::model_hash() const { return hex32(session_.model_hash); }

std::string LiveRun::value_name(size_t i) const {
  return i < value_names_.size() ? value_names_[i] : "value " + std::to_string(i + 1);
}

std::string LiveRun::label_of(int i) const {
  return i < static_cast<int>(labels_.size()) ? labels_[static_cast<size_t>(i)] : "class " + std::to_string(i);
}

void LiveRun::check_ready() {
  const size_t axes = session_.axes.size();
  while (!waiting_.empty()) {
    LivePrediction& p = predictions_[waiting_.front()];
    if (rows_received_ < p.first_index + window_) break;
    const std::vector<int8_t> out = host_->run_stream(rows_.data() + static_cast<size_t>(p.first_index) * axes);
    const std::vector<float> values = host_->values(out);
    const bool scores_same = host_->class_scores(out) == p.scores;
    const bool values_same =  // bit for bit (a NaN equals itself, 0.0 is not -0.0)
        values.size() == p.values.size() &&
        (values.empty() || std::memcmp(values.data(), p.values.data(), sizeof(float) * values.size()) == 0);
    tml_anomaly_result a{};
    const bool has_anomaly = host_->anomaly(a);
    const bool anomaly_same = has_anomaly == p.has_anomaly &&
                              (!has_anomaly || (a.score == p.anomaly.score && a.threshold == p.anomaly.threshold &&
                                                a.cluster == p.anomaly.cluster && a.anomalous == p.anomaly.anomalous));
    p.host_agrees = scores_same && values_same && anomaly_same ? 1 : 0;
    waiting_.pop_front();
  }
}

void LiveRun::run(const volatile std::sig_atomic_t* stop,
                  const std::function<void(const LivePrediction&)>& on_prediction,
                  const std::function<void(const std::string&)>& on_log) {
  const bool verify = options_.verify;
  const size_t axes = session_.axes.size();
  tml_msg_start start{};
  start.rows = options_.seconds > 0 ? static_cast<uint32_t>(std::llround(options_.seconds * session_.rate_hz())) : 0;
  start.flags = TML_START_PREDICT | (verify ? TML_START_SAMPLES : 0);
  if (options_.detect) board_.command(TML_MSG_SET_DETECT, &*options_.detect, sizeof *options_.detect);
  board_.command(TML_MSG_START, &start, sizeof start);
  bool ended = false;
  while (!ended && !(stop && *stop)) {
    auto m = board_.receive(options_.stall_ms);
    if (!m) throw Error("the board sent nothing for " + std::to_string(options_.stall_ms / 1000) + " s");
    if (m->type == TML_MSG_PREDICTION) {
      tml_msg_prediction h;
      if (m->payload.size() < sizeof h) throw Error("malformed prediction message from the board");
      std::memcpy(&h, m->payload.data(), sizeof h);
      LivePrediction p;
      p.first_index = h.first_index;
      p.cost = h.cost;
      p.cost_unit = h.cost_unit;
      p.top = h.top;
      // The scores, then (by the flags) the value heads and the anomaly score.
      size_t at = sizeof h + h.class_count;
      if (m->payload.size() < at) throw Error("malformed prediction message from the board");
      p.scores.assign(m->payload.begin() + sizeof h, m->payload.begin() + static_cast<long>(at));
      if (h.flags & TML_PREDICTION_FLAG_VALUES) {
        if (m->payload.size() < at + 1 || m->payload.size() < at + 1 + 4 * size_t{m->payload[at]})
          throw Error("malformed prediction message from the board");
        p.values.resize(m->payload[at]);
        if (!p.values.empty()) std::memcpy(p.values.data(), m->payload.data() + at + 1, 4 * p.values.size());
        at += 1 + 4 * p.values.size();
      }
      if (h.flags & TML_PREDICTION_FLAG_ANOMALY) {
        if (m->payload.size() < at + sizeof p.anomaly) throw Error("malformed prediction message from the board");
        std::memcpy(&p.anomaly, m->payload.data() + at, sizeof p.anomaly);
        p.has_anomaly = true;
      }
      p.truth = truth_of(timeline_, labels_, h.first_index, window_);
      if (on_prediction) on_prediction(p);
      predictions_.push_back(std::move(p));
      if (verify) waiting_.push_back(predictions_.size() - 1);
    } else if (m->type == TML_MSG_DETECTION) {
      tml_msg_detection d;
      if (m->payload.size() != sizeof d) throw Error("malformed detection message from the board");
      std::memcpy(&d, m->payload.data(), sizeof d);
      LiveDetection e{d.index, d.label, d.score, d.windows};
      if (on_detection_) on_detection_(e);
      detections_.push_back(e);
    } else if (m->type == TML_MSG_SAMPLES && verify) {
      const auto b = link::parse_samples(*m, session_);
      if (b.first_index != rows_received_) {
        lost_rows_ += b.first_index - rows_received_;
        rows_.resize(static_cast<size_t>(b.first_index) * axes, std::nanf(""));
      }
      rows_.insert(rows_.end(), b.values.begin(), b.values.end());
      rows_received_ = b.first_index + b.count;
    } else if (m->type == TML_MSG_SESSION && !board_.session()->streaming) {
      ended = true;
    } else if (m->type == TML_MSG_LOG && on_log) {
      on_log(std::string(m->payload.begin(), m->payload.end()));
    }
    if (verify) check_ready();
  }
  if (stop && *stop) {
    try {
      board_.command(TML_MSG_STOP);
    } catch (const Error&) {  // the board may be gone: the predictions so far stand
    }
  }
}

std::string format_prediction(const LiveRun& run, const LivePrediction& p) {
  std::string s = format("%8.2f s", (p.first_index + run.window()) / run.session().rate_hz());
  if (!p.scores.empty()) s += format("  %-10s", run.label_of(p.top).c_str());
  for (size_t i = 0; i < p.scores.size(); ++i)
    s += format("  %s %.2f", run.label_of(static_cast<int>(i)).c_str(), (p.scores[i] + 128) / 256.0);
  for (size_t i = 0; i < p.values.size(); ++i) s += format("  %s = %.6g", run.value_name(i).c_str(), p.values[i]);
  if (p.has_anomaly)
    s += format("  anomaly %.2f%s", p.anomaly.score / 65536.0, p.anomaly.anomalous ? " ANOMALY" : "");
  return s + "   " + thousands(p.cost) + " " + (p.cost_unit == 0 ? "instructions" : "us") + "\n";
}

std::string format_detection(const LiveRun& run, const LiveDetection& d) {
  return format("%8.2f s  detected %-10s score %.2f (%d windows)\n", d.index / run.session().rate_hz(),
                run.label_of(d.label).c_str(), d.score / 256.0, d.windows);
}

LiveSummary summarize(const LiveRun& run) {
  LiveSummary s;
  s.detections = run.detections().size();
  if (!run.timeline().empty() && run.window() > 0)
    s.detection_score = score_detections(run.timeline(), run.labels(), run.detections(), run.rows_streamed(),
                                         run.session().rate_hz(), run.window());
  s.predictions = run.predictions().size();
  s.cost_unit = run.session().board == "mps2-an386" ? "instructions" : "us";
  s.lost_rows = run.lost_rows();
  uint64_t sum = 0, min = UINT64_MAX;
  for (const auto& p : run.predictions()) {
    s.has_values = s.has_values || !p.values.empty();
    s.has_anomaly = s.has_anomaly || p.has_anomaly;
    if (p.truth >= 0 && !p.scores.empty()) {
      ++s.with_truth;
      s.correct += p.truth == p.top;
    }
    if (!p.scores.empty()) ++s.counts[p.top];
    sum += p.cost;
    min = std::min<uint64_t>(min, p.cost);
    s.max_cost = std::max<uint64_t>(s.max_cost, p.cost);
    if (p.host_agrees >= 0) {
      ++s.checked;
      s.identical += p.host_agrees;
    }
  }
  if (s.predictions) {
    s.mean_cost = sum / s.predictions;
    s.min_cost = min;
  }
  return s;
}

std::string format_summary(const LiveRun& run, const LiveSummary& s) {
  std::string o = std::to_string(s.predictions) + " predictions";
  if (s.predictions)
    o += "; cost per inference " + thousands(s.mean_cost) + " (min " + thousands(s.min_cost) + ", max " +
         thousands(s.max_cost) + ") " + s.cost_unit;
  o += "\n";
  for (const auto& [top, n] : s.counts) o += "  " + run.label_of(top) + ": " + std::to_string(n) + "\n";
  if (s.with_truth)
    o += "On-board accuracy: " + std::to_string(s.correct) + " of " + std::to_string(s.with_truth) + " windows (" +
         fixed(100.0 * s.correct / s.with_truth, 1) + " %) within one replayed recording\n";
  if (s.detections || (s.detection_score && s.detection_score->events)) {
    o += std::to_string(s.detections) + " detections";
    if (const auto& d = s.detection_score) {
      o += format(" against %d replayed keywords: %d hits, %d misses, %d false alarms (%.1f per hour of audio",
                  d->events, d->hits, d->misses, d->false_alarms, d->false_alarms_per_hour);
      o += format(", %.2f h); latency %.2f s after the keyword's end", d->hours, d->mean_latency_s);
    }
    o += "\n";
  }
  const std::string compared = s.has_values && s.has_anomaly ? "scores, values and anomaly scores"
                               : s.has_values                ? "scores and values"
                               : s.has_anomaly               ? "scores and anomaly scores"
                                                             : "scores";
  if (run.options().verify)
    o += "Board vs host: " + std::to_string(s.identical) + " of " + std::to_string(s.checked) +
         " windows identical (" + compared + " bit for bit)" +
         (s.lost_rows ? "; " + std::to_string(s.lost_rows) + " rows lost in transit" : "") + "\n";
  return o;
}

nlohmann::json live_json(const LiveRun& run, const LiveSummary& s) {
  nlohmann::json j;
  j["model_hash"] = run.model_hash();
  j["device"] = run.session().device();
  j["cost_unit"] = s.cost_unit;
  j["labels"] = run.labels();
  if (s.has_values) {
    j["values"] = nlohmann::json::array();
    for (size_t i = 0; !run.predictions().empty() && i < run.predictions().front().values.size(); ++i)
      j["values"].push_back(run.value_name(i));
  }
  j["predictions"] = nlohmann::json::array();
  for (const auto& p : run.predictions()) {
    nlohmann::json e = {{"first_index", p.first_index}, {"top", p.top}, {"cost", p.cost}, {"scores", p.scores}};
    if (!p.values.empty()) e["values"] = p.values;
    if (p.host_agrees >= 0) e["host_agrees"] = p.host_agrees == 1;
    if (p.truth >= 0) e["truth"] = p.truth;
    if (p.has_anomaly)
      e["anomaly"] = {{"score", p.anomaly.score / 65536.0}, {"threshold", p.anomaly.threshold / 65536.0},
                      {"cluster", p.anomaly.cluster}, {"anomalous", p.anomaly.anomalous == 1}};
    j["predictions"].push_back(e);
  }
  j["detections"] = nlohmann::json::array();
  for (const auto& d : run.detections())
    j["detections"].push_back({{"index", d.index}, {"label", d.label}, {"score", d.score}, {"windows", d.windows}});
  if (const auto& d = s.detection_score)
    j["detection_score"] = {{"events", d->events},       {"hits", d->hits},
                            {"misses", d->misses},       {"false_alarms", d->false_alarms},
                            {"hours", d->hours},         {"false_alarms_per_hour", d->false_alarms_per_hour},
                            {"mean_latency_s", d->mean_latency_s}};
  j["summary"] = {{"predictions", s.predictions}, {"mean_cost", s.mean_cost}, {"min_cost", s.min_cost},
                  {"max_cost", s.max_cost},       {"checked", s.checked},     {"identical", s.identical},
                  {"with_truth", s.with_truth},   {"correct", s.correct}};
  return j;
}

}  // namespace tml::pipeline
