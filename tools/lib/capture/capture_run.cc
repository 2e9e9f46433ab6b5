#include "capture/capture_run.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/sensor.h"

namespace tml::capture {

void CaptureRun::check(const CaptureJob& job) {
  if (!(job.seconds > 0) || job.seconds > 86400) throw UsageError("--seconds must be between 0 and 86400");
  if (job.count < 1) throw UsageError("--count must be at least 1");
  if (job.stall_ms < 100 || job.stall_ms > 86400000) throw UsageError("--timeout must be between 0.1 and 86400 s");
  if (!job.split.empty() && !dataset::is_split(job.split)) throw UsageError("--split must be train or test");
  dataset::validate_label(job.label);
  if (!job.sensor.empty() && trainer::sensor_number(job.sensor) == TML_SENSOR_NONE)
    throw UsageError("unknown sensor '" + job.sensor + "' (accel, mic or light)");
  if (job.timestamp_unit != "ms" && job.timestamp_unit != "s" && job.timestamp_unit != "us")
    throw UsageError("--timestamp-unit must be ms, s or us");
  if (!job.text && job.rate_hz && (!(*job.rate_hz > 0) || *job.rate_hz > 4e6))
    throw UsageError("--rate must be between 0 and 4000000 Hz");
}

CaptureRun::CaptureRun(CaptureJob job, link::Transport& transport) : job_(std::move(job)), transport_(transport) {
  check(job_);
  if (job_.text) {
    TextOptions o = job_.text_options;
    if (job_.rate_hz) o.rate_hz = *job_.rate_hz;
    o.timestamp_unit_s = job_.timestamp_unit == "ms" ? 1e-3 : job_.timestamp_unit == "s" ? 1.0 : 1e-6;
    stream_ = std::make_unique<TextStream>(transport_, o);
    return;
  }
  board_ = std::make_unique<link::BoardLink>(transport_);
  session_ = board_->hello();
  if (!job_.sensor.empty()) session_ = board_->set_sensor(trainer::sensor_number(job_.sensor));
  if (job_.rate_hz) {
    const double want = *job_.rate_hz;
    session_ = board_->set_rate(static_cast<uint32_t>(std::llround(want * 1000)));
    if (std::fabs(session_.rate_hz() - want) > 1e-3)
      spdlog::warn("the board's {} runs at {} Hz, not {} Hz; recording at {} Hz", tml_sensor_name(session_.sensor),
                   session_.rate_hz(), want, session_.rate_hz());
  }
  dataset_ = dataset::Dataset::open_or_create(job_.dataset, meta_from_session(session_));
  link_start_ = board_->stats();
  bytes_start_ = board_->bytes_received();
  rows_ = static_cast<size_t>(std::llround(job_.seconds * session_.rate_hz()));
  if (rows_ == 0)
    throw UsageError("--seconds is shorter than one sample at " + std::to_string(session_.rate_hz()) + " Hz");
}

std::string CaptureRun::describe() const {
  if (!board_) return "";
  return "Recording " + std::to_string(job_.count) + " x " + format("%g", job_.seconds) + " s of '" + job_.label +
         "' from " + session_.device() + " (" + tml_sensor_name(static_cast<uint8_t>(session_.sensor)) + ", " +
         format("%g", session_.rate_hz()) + " Hz, " + std::to_string(session_.axes.size()) + " axes)\n";
}

std::string CaptureRun::figures_text(const Figures& f) const {
  if (stream_) return std::to_string(f.rows) + " rows  lines rejected " + std::to_string(f.rejected);
  return fixed(f.rows / session_.rate_hz(), 1) + " s  " + fixed(f.rows_per_second(), 0) + " rows/s  frames " +
         std::to_string(f.frames) + "  lost " + std::to_string(f.lost_frames) + "  crc " + std::to_string(f.crc_errors);
}

Recording CaptureRun::record(int index, const Progress& progress) {
  if (index > 0 && job_.pause_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(job_.pause_s));
  Recording rec = stream_ ? stream_->record(job_.seconds, job_.stall_ms, progress)
                          : record_framed(*board_, rows_, job_.stall_ms, progress);
  total_ += rec.figures;
  if (stream_)
    store(rec, stream_->meta(), "text " + transport_.name());
  else
    store(rec, dataset_->meta(), session_.device());
  return rec;
}

void CaptureRun::store(const Recording& rec, const dataset::Meta& meta, const std::string& device) {
  if (!dataset_) dataset_ = dataset::Dataset::open_or_create(job_.dataset, meta);
  if (!rec.complete()) {
    ++incomplete_;
    spdlog::error("sample not saved: {} of {} rows missing ({} frames lost)", rec.figures.lost_rows, rec.rows,
                  rec.figures.lost_frames);
    return;
  }
  const auto info = dataset_->add(job_.label, rec.values, device, "capture", "", job_.split);
  ++saved_;
  spdlog::debug("saved {} ({} rows, {})", info.file, info.rows, info.split);
}

void CaptureRun::finish() {
  if (!board_) return;
  try {
    board_->command(TML_MSG_STOP, nullptr, 0, 1000);
  } catch (const Error&) {
  }
}

std::string CaptureRun::summary() const {
  Figures t = total_;
  if (board_) {  // the link's own counters: a frame lost between two samples is counted once, too
    const tml_frame_stats& s = board_->stats();
    t.frames = s.frames - link_start_.frames;
    t.lost_frames = s.lost - link_start_.lost;
    t.crc_errors = s.crc_errors - link_start_.crc_errors;
    t.rejected = (s.format_errors - link_start_.format_errors) + (s.oversize - link_start_.oversize);
    t.bytes = board_->bytes_received() - bytes_start_;
  }
  std::string s = "Saved " + std::to_string(saved_) + " of " + std::to_string(job_.count) + " samples of '" +
                  job_.label + "'.\n" + (job_.text ? "Lines: " : "Frames: ") + std::to_string(t.frames) +
                  " received, " + std::to_string(t.lost_frames) + " lost, " +
                  std::to_string(t.crc_errors + t.rejected) + " rejected (" + std::to_string(t.crc_errors) +
                  " CRC errors, " + std::to_string(t.rejected) + " other); " + std::to_string(t.lost_rows) +
                  " rows missing; " + std::to_string(t.bytes) + " bytes in " + fixed(t.seconds, 2) + " s.\n";
  if (!dataset_) return s;
  const dataset::Dataset& ds = *dataset_;
  std::map<std::string, std::pair<int, int>> counts;  // label -> (train, test)
  for (const auto& info : ds.samples()) (info.split == "test" ? counts[info.label].second : counts[info.label].first)++;
  s += "Dataset " + ds.dir().string() + ": " + std::to_string(ds.samples().size()) + " samples, " + ds.meta().sensor +
       " at " + format("%g", ds.meta().rate_hz) + " Hz, axes";
  for (const auto& a : ds.meta().axes) s += " " + a.name + (a.unit.empty() ? "" : " (" + a.unit + ")");
  s += "\n";
  for (const auto& [label, c] : counts)
    s += "  " + label + ": " + std::to_string(c.first) + " train, " + std::to_string(c.second) + " test\n";
  return s;
}

}  // namespace tml::capture
