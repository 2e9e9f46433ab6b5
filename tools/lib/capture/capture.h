// Recording samples from a board: framed (the tml protocol: the board declares sensor, axes, units and
// rate in its session header) or plain text lines of comma/TAB-separated numbers (any sketch that prints
// readings, as the Edge Impulse data forwarder reads them; the rate comes from --rate or a timestamp
// column, never from counting lines).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "link/board_link.h"
#include "link/transport.h"

namespace tml::capture {

// Live and final figures of a capture.
struct Figures {
  uint64_t rows = 0;           // rows received
  uint64_t frames = 0;         // valid frames (framed) or lines (text) received
  uint64_t lost_frames = 0;    // frames that never arrived (sequence gaps)
  uint64_t lost_rows = 0;      // rows missing from the stream (index gaps, or a stream that stopped short)
  uint64_t crc_errors = 0;     // frames rejected for their checksum
  uint64_t rejected = 0;       // other rejected frames (malformed, oversize, bad version) or unparsable lines
  uint64_t bytes = 0;          // bytes read from the link
  double seconds = 0;          // wall time
  double rows_per_second() const { return seconds > 0 ? rows / seconds : 0; }
  Figures& operator+=(const Figures& o);
  std::string summary() const;  // "1040 rows  98 frames  lost 0  crc 0  rejected 0"
};

struct Recording {
  std::vector<float> values;  // rows x axes, row-major (physical units)
  size_t rows = 0;
  Figures figures;
  // Every row arrived. Lost frames that carried none of this sample's rows (a session header, an ACK)
  // are counted in the figures but do not make the sample incomplete.
  bool complete() const { return figures.lost_rows == 0; }
};

using Progress = std::function<void(size_t rows_done, size_t rows_total, const Figures& so_far)>;

// The dataset configuration a board's session describes.
dataset::Meta meta_from_session(const link::Session& s);

// Asks the board for exactly `rows` rows (START with a row count, sent again when neither its ACK nor any
// row comes) and collects them. Rows missing from the stream (lost frames, or a board that sent nothing for
// `stall_ms` before the last row) are counted in figures.lost_rows and the recording is incomplete; the
// next sample starts afresh. Throws link::Refused if the board refuses START, tml::Error if it never
// answers it.
Recording record_framed(link::BoardLink& link, size_t rows, int stall_ms, const Progress& progress = {});

struct TextOptions {
  double rate_hz = 0;                  // declared rate; 0 = from the timestamp column
  std::string timestamp_column;        // column index (0-based) or name in the header line; empty = none
  double timestamp_unit_s = 0.001;     // seconds per timestamp unit (ms by default)
  std::vector<std::string> axis_names; // names for the value columns; else the header line, else axis0..
  std::vector<std::string> units;      // units per axis; else empty
};

// Reads text lines from a link: an optional header line of column names, then rows of numbers.
class TextStream {
 public:
  TextStream(link::Transport& transport, TextOptions options);
  // Records `seconds` of data: seconds x rate rows with a declared rate, or rows until the timestamps span
  // `seconds` with a timestamp column (the rate then comes from the timestamps). A damaged row (too few or
  // too many columns, a number that does not read) and, with a timestamp column, a gap or a step backwards
  // in the timestamps count as lost rows: the recording is incomplete. Throws tml::Error if the stream
  // stalls for `stall_ms` or its lines cannot be read as numbers.
  Recording record(double seconds, int stall_ms, const Progress& progress = {});
  // Known once the first row has been read.
  dataset::Meta meta() const;

 private:
  bool next_row(std::vector<float>* values, double* timestamp, int timeout_ms, Figures* figures);
  bool read_line(std::string* line, int timeout_ms, Figures* figures);

  link::Transport& transport_;
  TextOptions opt_;
  std::string pending_;
  bool first_line_ = true;      // the first line may be cut short: discarded
  int ts_col_ = -1;
  int columns_ = -1;            // columns per line (values + timestamp)
  std::vector<std::string> names_;
  double rate_hz_ = 0;
  std::vector<double> steps_;  // the first timestamp steps, whose median is the stream's period
  double period_s_ = 0;
};

}  // namespace tml::capture
