// Text-mode capture: lines of comma/TAB-separated numbers, as printed by any sketch.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>

#include "capture/capture.h"
#include "tml/trainer/error.h"

namespace tml::capture {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  const bool delimited = line.find_first_of(",\t;") != std::string::npos;
  std::string cur;
  auto push = [&] {
    size_t a = cur.find_first_not_of(" \t");
    size_t b = cur.find_last_not_of(" \t");
    out.push_back(a == std::string::npos ? "" : cur.substr(a, b - a + 1));
    cur.clear();
  };
  for (char c : line) {
    if (c == ',' || c == '\t' || c == ';' || (!delimited && c == ' ')) {
      if (!delimited && cur.empty()) continue;  // runs of spaces
      push();
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || delimited) push();
  return out;
}

bool parse_number(const std::string& s, double* v) {
  if (s.empty()) return false;
  const char* b = s.c_str();
  if (*b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, s.c_str() + s.size(), *v);
  return ec == std::errc() && ptr == s.c_str() + s.size() && std::isfinite(*v);
}

}  // namespace

TextStream::TextStream(link::Transport& transport, TextOptions options) : transport_(transport), opt_(std::move(options)) {
  if (opt_.rate_hz < 0 || (opt_.rate_hz == 0 && opt_.timestamp_column.empty()))
    throw UsageError("text capture needs the sample rate: give --rate HZ or --timestamp-column");
}

bool TextStream::read_line(std::string* line, int timeout_ms, Figures* figures) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      *line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      if (first_line_) {  // we may have connected mid-line
        first_line_ = false;
        continue;
      }
      return true;
    }
    if (pending_.size() > 65536) throw Error(transport_.name() + ": a line longer than 64 KB; is this a text stream?");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    uint8_t buf[4096];
    const size_t n = transport_.read(buf, sizeof buf, static_cast<int>(left));
    figures->bytes += n;
    pending_.append(reinterpret_cast<const char*>(buf), n);
  }
}

bool TextStream::next_row(std::vector<float>* values, double* timestamp, int timeout_ms, Figures* figures) {
  std::string line;
  while (read_line(&line, timeout_ms, figures)) {
    const auto fields = split_fields(line);
    if (fields.empty() || (fields.size() == 1 && fields[0].empty())) continue;
    std::vector<double> nums(fields.size());
    bool numeric = true;
    for (size_t i = 0; i < fields.size() && numeric; ++i) numeric = parse_number(fields[i], &nums[i]);
    if (!numeric) {
      if (columns_ < 0 && names_.empty()) {  // a header line naming the columns
        names_ = fields;
        continue;
      }
      ++figures->rejected;
      // A line with numbers in it is a damaged row (a time step is missing); one without is a message.
      if (columns_ >= 0) {
        double unused;
        for (const auto& f : fields)
          if (parse_number(f, &unused) || f.find_first_of("0123456789") != std::string::npos) {
            ++figures->lost_rows;
            break;
          }
      }
      continue;
    }
    if (columns_ < 0) {  // the first data line fixes the shape
      columns_ = static_cast<int>(fields.size());
      if (!names_.empty() && static_cast<int>(names_.size()) != columns_) names_.clear();
      if (!opt_.timestamp_column.empty()) {
        double idx = -1;
        if (parse_number(opt_.timestamp_column, &idx)) {
          ts_col_ = static_cast<int>(idx);
        } else {
          auto it = std::find(names_.begin(), names_.end(), opt_.timestamp_column);
          if (it == names_.end())
            throw UsageError("no column named '" + opt_.timestamp_column + "' in the header line of " + transport_.name());
          ts_col_ = static_cast<int>(it - names_.begin());
        }
        if (ts_col_ < 0 || ts_col_ >= columns_)
          throw UsageError("--timestamp-column " + opt_.timestamp_column + " is not one of the " +
                           std::to_string(columns_) + " columns");
        if (columns_ < 2) throw Error(transport_.name() + ": lines hold a timestamp but no values");
      }
      const int axes = columns_ - (ts_col_ >= 0 ? 1 : 0);
      if (!opt_.axis_names.empty() && static_cast<int>(opt_.axis_names.size()) != axes)
        throw UsageError("--axes names " + std::to_string(opt_.axis_names.size()) + " axes but lines hold " +
                         std::to_string(axes) + " values");
    }
    if (static_cast<int>(fields.size()) != columns_) {  // a row cut short or run into another one
      ++figures->rejected;
      ++figures->lost_rows;
      continue;
    }
    values->clear();
    for (int i = 0; i < columns_; ++i) {
      if (i == ts_col_)
        *timestamp = nums[static_cast<size_t>(i)] * opt_.timestamp_unit_s;
      else
        values->push_back(static_cast<float>(nums[static_cast<size_t>(i)]));
    }
    ++figures->frames;
    return true;
  }
  return false;
}

Recording TextStream::record(double seconds, int stall_ms, const Progress& progress) {
  Recording rec;
  const auto t0 = Clock::now();
  const bool by_time = opt_.rate_hz == 0;
  const size_t want = by_time ? 0 : static_cast<size_t>(std::llround(seconds * opt_.rate_hz));
  std::vector<float> row;
  double ts = 0, first_ts = 0, last_ts = 0;
  for (;;) {
    if (!by_time && rec.rows >= want) break;
    if (!next_row(&row, &ts, stall_ms, &rec.figures))
      throw Error(transport_.name() + ": no readable line for " + std::to_string(stall_ms) + " ms after " +
                  std::to_string(rec.rows) + " rows");
    if (ts_col_ >= 0 && rec.rows > 0) {
      // The timestamps tell missing rows: a step much longer than the stream's period, or one backwards
      // (a damaged line, a restarted device), which ends the sample as incomplete.
      const double step = ts - last_ts;
      if (!(step > 0)) {
        spdlog::warn("{}: the timestamps went backwards ({} after {}); the sample is incomplete", transport_.name(),
                     ts, last_ts);
        ++rec.figures.lost_rows;
        break;
      }
      if (steps_.size() < 9) {
        steps_.push_back(step);
        if (steps_.size() == 9) {
          std::vector<double> sorted = steps_;
          std::sort(sorted.begin(), sorted.end());
          period_s_ = sorted[4];
        }
      }
      if (period_s_ > 0 && step > 1.5 * period_s_)
        rec.figures.lost_rows += static_cast<uint64_t>(std::max(1.0, std::round(step / period_s_) - 1));
    }
    if (by_time) {
      if (rec.rows == 0) first_ts = ts;
      if (ts - first_ts >= seconds) break;  // this row starts the next sample; it is dropped
    }
    last_ts = ts;
    rec.values.insert(rec.values.end(), row.begin(), row.end());
    ++rec.rows;
    rec.figures.rows = rec.rows;
    rec.figures.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (progress) progress(by_time ? static_cast<size_t>((last_ts - first_ts) * 1000) : rec.rows,
                           by_time ? static_cast<size_t>(seconds * 1000) : want, rec.figures);
  }
  rec.figures.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!rec.complete()) return rec;  // never stored: its rate is not taken into account
  if (by_time) {
    if (rec.rows < 2 || !(last_ts > first_ts)) throw Error(transport_.name() + ": too few timestamped rows to tell the rate");
    const double rate = (rec.rows - 1) / (last_ts - first_ts);
    const double rounded = std::round(rate * 1000.0) / 1000.0;
    if (rate_hz_ == 0) {
      rate_hz_ = rounded;
    } else if (std::fabs(rounded - rate_hz_) > 0.02 * rate_hz_) {
      throw Error(transport_.name() + ": the timestamps give " + std::to_string(rounded) + " Hz, earlier samples " +
                  std::to_string(rate_hz_) + " Hz; the device's rate is not steady");
    }
  } else {
    rate_hz_ = opt_.rate_hz;
  }
  return rec;
}

dataset::Meta TextStream::meta() const {
  dataset::Meta m;
  m.sensor = "text";
  m.rate_hz = rate_hz_;
  m.sample_format = "f32";
  const int axes = columns_ - (ts_col_ >= 0 ? 1 : 0);
  for (int i = 0, a = 0; i < columns_; ++i) {
    if (i == ts_col_) continue;
    dataset::Axis axis;
    if (!opt_.axis_names.empty())
      axis.name = opt_.axis_names[static_cast<size_t>(a)];
    else if (!names_.empty())
      axis.name = names_[static_cast<size_t>(i)];
    else
      axis.name = "axis" + std::to_string(a);
    if (static_cast<size_t>(a) < opt_.units.size()) axis.unit = opt_.units[static_cast<size_t>(a)];
    m.axes.push_back(axis);
    ++a;
  }
  (void)axes;
  return m;
}

}  // namespace tml::capture
