// `tml run`: a board's live predictions and, with the model it was flashed with, the host's check of every
// window: the board classifies each window of its sensor stream with its own int8 kernels; when verifying,
// it streams the rows too, and the host runs the same blob on the same rows (Int8Model): the scores must be
// identical, and the value heads' floats bit for bit. Works over any link (the emulated board, a Wio Terminal, a board in a test process).
#pragma once

#include <csignal>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emulator/sim_data.h"
#include "tml/detect.h"
#include "link/board_link.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/model_header.h"

namespace tml::pipeline {

struct LivePrediction {
  uint32_t first_index = 0;  // the window's first row in the stream
  uint32_t cost = 0;         // what the inference cost, in cost_unit
  uint8_t cost_unit = 0;     // 0 instructions, 1 microseconds
  int top = 0;               // the board's top class
  std::vector<int8_t> scores;   // the class head's (none for a model of value heads alone)
  std::vector<float> values;    // the value heads' real values, as the board computed them
  bool has_anomaly = false;  // the model has an anomaly block: `anomaly` holds the window's score
  tml_msg_anomaly anomaly{};
  int host_agrees = -1;  // -1 not checked, 0 differs, 1 identical
  int truth = -1;        // the true class where known (a replayed recording), else -1
};

// A detection from the board's detector (TML_MSG_DETECTION, tml/detect.h).
struct LiveDetection {
  uint32_t index = 0;  // stream index just past the window that triggered it
  int label = 0;
  int score = 0;       // averaged, 0 .. 255
  int windows = 0;     // windows averaged
};

// Detections scored against the recordings the emulated board replayed (`timeline`, repeated): every
// replayed recording of a label that is not a background (a label starting with '_', or one the model
// does not know) is an event; it is hit when a detection of its label ends within [its start + 1 row,
// its end + `tolerance` rows], else missed; every detection that hits no event is a false alarm.
struct DetectionScore {
  int events = 0, hits = 0, misses = 0, false_alarms = 0;
  double hours = 0;                  // of audio streamed
  double false_alarms_per_hour = 0;
  double mean_latency_s = 0;         // of the hits: the first detection's index after the event's end
  std::map<std::string, std::pair<int, int>> per_label;  // label -> (hits, events)
};
DetectionScore score_detections(const std::vector<emulator::SimSetup::Segment>& timeline,
                                const std::vector<std::string>& labels, const std::vector<LiveDetection>& detections,
                                uint64_t rows, double rate_hz, uint64_t tolerance);

// The label of a window that lies entirely inside one recording of `timeline` (the recordings the
// emulated board replays, in order, repeated), as an index into
// `labels`, or -1 (spanning two recordings, or a label the model does not know).
int truth_of(const std::vector<emulator::SimSetup::Segment>& timeline, const std::vector<std::string>& labels,
             uint64_t first, uint64_t window);

struct LiveOptions {
  std::optional<trainer::ExportedHeader> model;  // the header the board was flashed with (labels, hash)
  std::string model_path;                        // its file, for messages
  bool verify = false;                           // also stream the rows and check every window (needs model)
  std::string flash_hint;                        // how to flash this board: "sim", "wio-terminal --port COM3"
  double seconds = 0;                            // stop after this much sensor data (0: until stopped)
  int stall_ms = 10000;                          // give up when the board sends nothing for this long
  std::optional<tml_detect_params> detect;       // new parameters for the board's detector (SET_DETECT)
};

class LiveRun {
 public:
  // Says hello and checks that the board runs a model, and the given one (its hash); when verifying, that
  // the board streams the model's axes. Throws Error saying what the board runs and how to flash it.
  LiveRun(link::BoardLink& board, LiveOptions options);
  // The options alone, before a board is connected: verifying needs the model, seconds not negative.
  // Throws UsageError.
  static void check(const LiveOptions& options);

  const link::Session& session() const { return session_; }
  const LiveOptions& options() const { return options_; }
  std::string model_hash() const;  // as the board reports it, in hex
  const std::vector<std::string>& labels() const { return labels_; }
  std::string label_of(int index) const;  // the label, or "class 3" without one
  std::string value_name(size_t index) const;  // the value head's name, or "value 1" without the model
  uint32_t window() const { return window_; }
  // Where the true classes come from: the recordings the board replays (the emulated board).
  void set_timeline(std::vector<emulator::SimSetup::Segment> timeline) { timeline_ = std::move(timeline); }

  // Starts predictions (and the rows, when verifying) and collects them until the board ends the stream
  // or `*stop` becomes non-zero, calling `on_prediction` for each as it arrives (the host's check follows
  // when its rows are in). Board log lines go to `on_log`. Throws Error when the board sends nothing for
  // stall_ms or a prediction is malformed.
  void run(const volatile std::sig_atomic_t* stop, const std::function<void(const LivePrediction&)>& on_prediction,
           const std::function<void(const std::string&)>& on_log = {});

  const std::vector<LivePrediction>& predictions() const { return predictions_; }
  const std::vector<LiveDetection>& detections() const { return detections_; }
  const std::vector<emulator::SimSetup::Segment>& timeline() const { return timeline_; }
  uint64_t rows_streamed() const;  // as far as the predictions reach (or the rows, when verifying)
  // Called for each detection as it arrives.
  void on_detection(std::function<void(const LiveDetection&)> f) { on_detection_ = std::move(f); }
  uint64_t lost_rows() const { return lost_rows_; }

 private:
  void check_ready();

  link::BoardLink& board_;
  LiveOptions options_;
  link::Session session_;
  std::vector<std::string> labels_, value_names_;
  uint32_t window_ = 0;
  std::optional<trainer::Int8Model> host_;
  std::vector<emulator::SimSetup::Segment> timeline_;
  std::vector<LivePrediction> predictions_;
  std::vector<LiveDetection> detections_;
  std::function<void(const LiveDetection&)> on_detection_;
  std::deque<size_t> waiting_;  // predictions whose rows have not all arrived yet (verify)
  std::vector<float> rows_;     // every row streamed (verify)
  uint64_t rows_received_ = 0, lost_rows_ = 0;
};

// One prediction as `tml run` prints it: the time, the top label, every score and the cost.
std::string format_prediction(const LiveRun& run, const LivePrediction& p);

// A detection as `tml run` prints it: the time, the label and its averaged score.
std::string format_detection(const LiveRun& run, const LiveDetection& d);

// The figures of a run.
struct LiveSummary {
  size_t predictions = 0;
  std::map<int, int> counts;  // top class -> predictions
  uint64_t mean_cost = 0, min_cost = 0, max_cost = 0;
  std::string cost_unit;            // "instructions" on the emulated board, else "us"
  int checked = 0, identical = 0;   // host checks
  bool has_values = false;          // the predictions carry value heads
  bool has_anomaly = false;         // and anomaly scores
  int with_truth = 0, correct = 0;  // windows inside one replayed recording
  uint64_t lost_rows = 0;
  size_t detections = 0;
  std::optional<DetectionScore> detection_score;  // with a replayed timeline and detections or events
};
LiveSummary summarize(const LiveRun& run);

// The summary as `tml run` prints it: predictions and cost, the count per class, the on-board accuracy
// and the board-vs-host line when measured.
std::string format_summary(const LiveRun& run, const LiveSummary& summary);

// What `tml run --json` writes: the model hash, the device, every prediction and the summary.
nlohmann::json live_json(const LiveRun& run, const LiveSummary& summary);

}  // namespace tml::pipeline
