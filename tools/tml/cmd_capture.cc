// tml capture: record labelled samples from a board into a dataset.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "capture/capture.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "cli/sim_options.h"
#include "dataset/dataset.h"
#include "emulator/sim_data.h"
#include "link/connection.h"
#include "tml/trainer/sensor.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::cli {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

std::string live_figures(const capture::Figures& f, double rate_hz) {
  return fixed(f.rows / rate_hz, 1) + " s  " + fixed(f.rows_per_second(), 0) + " rows/s  frames " +
         std::to_string(f.frames) + "  lost " + std::to_string(f.lost_frames) + "  crc " + std::to_string(f.crc_errors);
}

void print_dataset_summary(const dataset::Dataset& ds) {
  std::map<std::string, std::pair<int, int>> counts;  // label -> (train, test)
  for (const auto& s : ds.samples()) (s.split == "test" ? counts[s.label].second : counts[s.label].first)++;
  std::cout << "Dataset " << ds.dir().string() << ": " << ds.samples().size() << " samples, " << ds.meta().sensor
            << " at " << ds.meta().rate_hz << " Hz, axes";
  for (const auto& a : ds.meta().axes) std::cout << " " << a.name << (a.unit.empty() ? "" : " (" + a.unit + ")");
  std::cout << "\n";
  for (const auto& [label, c] : counts)
    std::cout << "  " << label << ": " << c.first << " train, " << c.second << " test\n";
}

}  // namespace

int cmd_capture(int argc, char** argv) {
  Parser p("capture",
           "Record labelled samples from a board (tml firmware, or any sketch printing numbers with --text) into a "
           "dataset. The board declares its sensor, axes, units and rate; lost or corrupted frames are counted and "
           "reported, and a sample with missing data is never stored.",
           "tml capture --port sim --label circle --seconds 10 --count 5 --dataset gestures/\n"
           "tml capture --port /dev/ttyACM0 --label idle --seconds 10 --dataset gestures/\n"
           "tml capture --port tcp://127.0.0.1:5555 --label noise --sensor mic --seconds 1 --count 20 --dataset kws/\n"
           "tml capture --port /dev/ttyUSB0 --text --rate 100 --axes ax,ay,az --label wave --dataset imu/");
  // clang-format off
  p.options().add_options()
    ("port", "Board: a serial port (/dev/ttyACM0, COM3), tcp://HOST:PORT, or sim (the emulated board)", cxxopts::value<std::string>())
    ("label", "Label of the recorded samples", cxxopts::value<std::string>())
    ("dataset", "Dataset folder (created if missing)", cxxopts::value<std::string>())
    ("seconds", "Length of each sample in seconds", cxxopts::value<double>()->default_value("10"))
    ("count", "Number of samples to record", cxxopts::value<int>()->default_value("1"))
    ("sensor", "Sensor to record: accel, mic or light (default: the board's)", cxxopts::value<std::string>())
    ("rate", "Sample rate in Hz: asked of a tml board; declared for --text", cxxopts::value<double>())
    ("split", "Put the samples in this split (train or test) instead of the hash-based one", cxxopts::value<std::string>())
    ("pause", "Seconds to wait between samples", cxxopts::value<double>()->default_value("0"))
    ("timeout", "Give up when the board sends nothing for this many seconds", cxxopts::value<double>()->default_value("5"))
    ("q,quiet", "No progress bar");
  p.options().add_options("Text mode")
    ("text", "The board prints lines of comma/TAB-separated numbers (Edge Impulse data-forwarder style)")
    ("timestamp-column", "Text mode: column (index or header name) holding a timestamp that gives the rate", cxxopts::value<std::string>())
    ("timestamp-unit", "Text mode: unit of the timestamp column: ms, s or us", cxxopts::value<std::string>()->default_value("ms"))
    ("axes", "Text mode: comma-separated axis names", cxxopts::value<std::string>())
    ("units", "Text mode: comma-separated units, one per axis", cxxopts::value<std::string>());
  // clang-format on
  add_sim_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  for (const char* o : {"port", "label", "dataset"}) Parser::require(r, o);
  const std::string port = r["port"].as<std::string>();
  const std::string label = r["label"].as<std::string>();
  const double seconds = r["seconds"].as<double>();
  const int count = r["count"].as<int>();
  const bool quiet = r.count("quiet") > 0;
  const int stall_ms = static_cast<int>(r["timeout"].as<double>() * 1000);
  if (!(seconds > 0) || seconds > 86400) throw UsageError("--seconds must be between 0 and 86400");
  if (count < 1) throw UsageError("--count must be at least 1");
  if (stall_ms < 100) throw UsageError("--timeout must be at least 0.1 s");
  std::string split;
  if (r.count("split")) {
    split = r["split"].as<std::string>();
    if (!dataset::is_split(split)) throw UsageError("--split must be train or test");
  }
  dataset::validate_label(label);
  const int sensor = r.count("sensor") ? trainer::sensor_number(r["sensor"].as<std::string>()) : TML_SENSOR_NONE;
  if (r.count("sensor") && sensor == TML_SENSOR_NONE)
    throw UsageError("unknown sensor '" + r["sensor"].as<std::string>() + "' (accel, mic or light)");
  const std::filesystem::path dataset_dir = r["dataset"].as<std::string>();

  if (link::is_sim(port) && r.count("text"))
    throw UsageError("the emulated board speaks the tml protocol; --text is for sketches printing numbers");
  const auto sim = sim_setup(r, port);  // the emulated board replays recordings
  link::Connection conn = link::connect(port, sim ? sim->options() : emulator::Options{});

  capture::Figures total;
  int saved = 0, incomplete = 0;
  std::optional<dataset::Dataset> ds;
  auto save = [&](const capture::Recording& rec, const dataset::Meta& meta, const std::string& device) {
    if (!ds) ds = dataset::Dataset::open_or_create(dataset_dir, meta);
    if (!rec.complete()) {
      ++incomplete;
      spdlog::error("sample not saved: {} of {} rows missing ({} frames lost)", rec.figures.lost_rows, rec.rows,
                    rec.figures.lost_frames);
      return;
    }
    const auto info = ds->add(label, rec.values, device, "capture", "", split);
    ++saved;
    spdlog::debug("saved {} ({} rows, {})", info.file, info.rows, info.split);
  };

  if (r.count("text")) {
    capture::TextOptions topt;
    if (r.count("rate")) topt.rate_hz = r["rate"].as<double>();
    if (r.count("timestamp-column")) topt.timestamp_column = r["timestamp-column"].as<std::string>();
    const std::string unit = r["timestamp-unit"].as<std::string>();
    topt.timestamp_unit_s = unit == "ms" ? 1e-3 : unit == "s" ? 1.0 : unit == "us" ? 1e-6 : -1;
    if (topt.timestamp_unit_s < 0) throw UsageError("--timestamp-unit must be ms, s or us");
    if (r.count("axes")) topt.axis_names = split_list(r["axes"].as<std::string>());
    if (r.count("units")) topt.units = split_list(r["units"].as<std::string>());
    capture::TextStream stream(*conn.transport, topt);
    for (int i = 0; i < count; ++i) {
      ProgressBar bar(label + " " + std::to_string(i + 1) + "/" + std::to_string(count), !quiet);
      auto rec = stream.record(seconds, stall_ms, [&](size_t done, size_t total_rows, const capture::Figures& f) {
        bar.update(static_cast<double>(done), static_cast<double>(total_rows),
                   std::to_string(f.rows) + " rows  lines rejected " + std::to_string(f.rejected));
      });
      bar.finish(std::to_string(rec.rows) + " rows  lines rejected " + std::to_string(rec.figures.rejected));
      total += rec.figures;
      save(rec, stream.meta(), "text " + conn.transport->name());
      if (i + 1 < count && r["pause"].as<double>() > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(r["pause"].as<double>()));
    }
  } else {
    link::BoardLink board(*conn.transport);
    link::Session session = board.hello();
    if (sensor != TML_SENSOR_NONE) session = board.set_sensor(sensor);
    if (r.count("rate")) {
      const double want = r["rate"].as<double>();
      if (!(want > 0) || want > 4e6) throw UsageError("--rate must be between 0 and 4000000 Hz");
      session = board.set_rate(static_cast<uint32_t>(std::llround(want * 1000)));
      if (std::fabs(session.rate_hz() - want) > 1e-3)
        spdlog::warn("the board's {} runs at {} Hz, not {} Hz; recording at {} Hz", tml_sensor_name(session.sensor),
                     session.rate_hz(), want, session.rate_hz());
    }
    const dataset::Meta meta = capture::meta_from_session(session);
    ds = dataset::Dataset::open_or_create(dataset_dir, meta);  // refuses a mismatching dataset before recording
    const size_t rows = static_cast<size_t>(std::llround(seconds * session.rate_hz()));
    if (rows == 0) throw UsageError("--seconds is shorter than one sample at " + std::to_string(session.rate_hz()) + " Hz");
    std::cerr << "Recording " << count << " x " << seconds << " s of '" << label << "' from " << session.device() << " ("
              << tml_sensor_name(session.sensor) << ", " << session.rate_hz() << " Hz, " << session.axes.size()
              << " axes)\n";
    for (int i = 0; i < count; ++i) {
      ProgressBar bar(label + " " + std::to_string(i + 1) + "/" + std::to_string(count), !quiet);
      auto rec = capture::record_framed(board, rows, stall_ms, [&](size_t done, size_t total_rows, const capture::Figures& f) {
        bar.update(static_cast<double>(done), static_cast<double>(total_rows), live_figures(f, session.rate_hz()));
      });
      bar.finish(live_figures(rec.figures, session.rate_hz()));
      total += rec.figures;
      save(rec, meta, session.device());
      if (i + 1 < count && r["pause"].as<double>() > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(r["pause"].as<double>()));
    }
  }

  std::cout << "Saved " << saved << " of " << count << " samples of '" << label << "'.\n"
            << (r.count("text") ? "Lines: " : "Frames: ") << total.frames << " received, " << total.lost_frames
            << " lost, " << (total.crc_errors + total.rejected) << " rejected (" << total.crc_errors << " CRC errors, "
            << total.rejected << " other); " << total.lost_rows << " rows missing; " << total.bytes << " bytes in "
            << fixed(total.seconds, 2) << " s.\n";
  if (ds) print_dataset_summary(*ds);
  if (incomplete) {
    std::cerr << "tml capture: " << incomplete << " sample(s) had missing data and were not saved.\n";
    return 1;
  }
  return 0;
}

}  // namespace tml::cli
