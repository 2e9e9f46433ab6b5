// `tml capture` as steps a command runs and prints between: a board (the tml protocol, or a sketch printing
// numbers) is set up once, then each sample of one label is recorded and stored in the dataset, but only
// when it is complete (no row lost), so a sample with missing data is never stored.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "capture/capture.h"
#include "dataset/dataset.h"
#include "link/board_link.h"
#include "link/transport.h"

namespace tml::capture {

struct CaptureJob {
  std::filesystem::path dataset;  // created if missing
  std::string label;
  double seconds = 10;  // per sample
  int count = 1;
  std::string sensor;             // "" = the board's; accel, mic, light (or the firmware's names)
  std::optional<double> rate_hz;  // asked of a tml board; declared for a text stream
  std::string split;              // "train", "test", or "" for the hash rule
  double pause_s = 0;             // between samples
  int stall_ms = 5000;            // give up when the board sends nothing for this long
  bool text = false;              // the board prints lines of numbers (TextOptions)
  TextOptions text_options;       // rate_hz above is its declared rate, timestamp_unit its unit
  std::string timestamp_unit = "ms";  // of a text stream's timestamp column: ms, s or us
};

class CaptureRun {
 public:
  // The options alone, before a board is connected: a sample length up to a day, a count, a timeout of at
  // least 0.1 s, a split word, a valid label and a known sensor. Throws UsageError or Error.
  static void check(const CaptureJob& job);

  // Sets the board up: a tml board is asked who it is, switched to the job's sensor and rate, and the
  // dataset is opened (or created) for its configuration, so a mismatching dataset is refused before
  // anything is recorded; a text stream is read as it comes.
  CaptureRun(CaptureJob job, link::Transport& transport);

  const CaptureJob& job() const { return job_; }
  // "Recording 5 x 10 s of 'circle' from mps2-an386 0.1.0 (accelerometer, 104 Hz, 3 axes)" for a tml board.
  std::string describe() const;

  // Records the `index`-th sample (waiting the pause before every sample but the first) and stores it
  // when it is complete. Returns the recording.
  Recording record(int index, const Progress& progress = {});
  // The live figures of a sample for its progress bar.
  std::string figures_text(const Figures& f) const;

  // After the last sample (or a capture cut short): stops the board, so that a frame lost at the very
  // end shows in the accounting too (the gap is seen at the ACK). Never throws.
  void finish();

  int saved() const { return saved_; }
  int incomplete() const { return incomplete_; }
  // What was saved and what the link delivered, then the dataset per label and split.
  std::string summary() const;

 private:
  void store(const Recording& rec, const dataset::Meta& meta, const std::string& device);

  CaptureJob job_;
  link::Transport& transport_;
  std::unique_ptr<link::BoardLink> board_;
  std::unique_ptr<TextStream> stream_;
  link::Session session_;
  size_t rows_ = 0;  // per sample, for a tml board
  std::optional<dataset::Dataset> dataset_;
  Figures total_;
  tml_frame_stats link_start_{};  // the link's counters when recording began
  uint64_t bytes_start_ = 0;
  int saved_ = 0, incomplete_ = 0;
};

}  // namespace tml::capture
