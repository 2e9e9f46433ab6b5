#include "formats/csv_format.h"

#include <cmath>

#include "dataset/csv_text.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;

namespace {

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(' ');
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(' ') - a + 1);
}


// Relative difference within 0.1 %.
bool close_rates(double a, double b) { return std::fabs(a - b) <= 1e-3 * std::max(a, b); }

}  // namespace

std::optional<double> time_column_scale(const std::string& header) {
  const std::string h = lowercase(trimmed(header));
  for (const char* base : {"timestamp", "time", "t"}) {
    const std::string b = base;
    if (h.rfind(b, 0) != 0) continue;
    const std::string rest = trimmed(h.substr(b.size()));
    if (rest.empty() || rest == "_ms" || rest == "(ms)" || rest == "[ms]") return 0.001;
    if (rest == "_s" || rest == "(s)" || rest == "[s]") return 1.0;
  }
  return std::nullopt;
}

Axis axis_from_header(const std::string& header) {
  const std::string h = trimmed(header);
  for (auto [open, close] : {std::pair<char, char>{'(', ')'}, std::pair<char, char>{'[', ']'}}) {
    const size_t at = h.rfind(open);
    if (at != std::string::npos && at > 0 && h.back() == close)
      return Axis{trimmed(h.substr(0, at)), trimmed(h.substr(at + 1, h.size() - at - 2))};
  }
  return Axis{h, ""};
}

ImportSet read_csv(const fs::path& input, const ImportOptions& opt) {
  ImportSet set;
  std::string first;
  bool rate_from_time = false;
  for (const auto& lf : labelled_files(input, ".csv", opt)) {
    const std::string origin = lf.file.path.string();
    const std::string text = read_file(lf.file.path);
    const CsvText t = split_csv(text, origin);

    int time_col = -1;
    std::vector<size_t> axis_cols;
    std::vector<Axis> axes;
    for (size_t c = 0; c < t.header.size(); ++c) {
      if (time_column_scale(t.header[c])) {
        if (time_col >= 0)
          throw Error(origin + ": two time columns, '" + t.header[static_cast<size_t>(time_col)] + "' and '" +
                      t.header[c] + "'");
        time_col = static_cast<int>(c);
      } else {
        axis_cols.push_back(c);
        axes.push_back(axis_from_header(t.header[c]));
      }
    }
    if (axes.empty()) throw Error(origin + ": no data columns besides the time column");

    double rate = opt.rate_hz.value_or(0);
    if (rate == 0) {
      if (time_col < 0)
        throw Error(origin + " has no time column (timestamp, time or t, in ms); give the sample rate with --rate HZ");
      if (t.rows() < 2) throw Error(origin + ": one row cannot give a sample rate; give it with --rate HZ");
      const double scale = *time_column_scale(t.header[static_cast<size_t>(time_col)]);
      double prev = 0, first_t = 0;
      for (size_t r = 0; r < t.rows(); ++r) {
        auto v = parse_double(t.cell(r, static_cast<size_t>(time_col)));
        if (!v)
          throw Error(origin + " line " + std::to_string(t.line_of_row[r]) + ", column '" +
                      t.header[static_cast<size_t>(time_col)] + "': '" + std::string(t.cell(r, static_cast<size_t>(time_col))) +
                      "' is not a number");
        if (r == 0) first_t = *v;
        else if (!(*v > prev))
          throw Error(origin + " line " + std::to_string(t.line_of_row[r]) + ": the time does not increase");
        prev = *v;
      }
      rate = rate_from_interval_s((prev - first_t) * scale / static_cast<double>(t.rows() - 1));
      rate_from_time = true;
    }

    PendingSample s;
    s.origin = origin;
    s.label = lf.label;
    s.id = lf.id;
    s.split = lf.split;
    s.values.resize(t.rows() * axes.size());
    for (size_t r = 0; r < t.rows(); ++r)
      for (size_t a = 0; a < axis_cols.size(); ++a) {
        const auto cell = t.cell(r, axis_cols[a]);
        auto v = parse_float(cell);
        if (!v)
          throw Error(origin + " line " + std::to_string(t.line_of_row[r]) + ", column '" + t.header[axis_cols[a]] +
                      "': '" + std::string(cell) + "' is not a finite number");
        s.values[r * axes.size() + a] = *v;
      }

    if (first.empty()) {
      first = origin;
      set.meta.axes = axes;
      set.meta.rate_hz = rate;
      set.meta.sensor = guess_sensor(axes);
      set.meta.sample_format = "f32";
      try {
        validate_meta(set.meta);
      } catch (const Error& e) {
        throw Error(origin + ": " + e.what());
      }
    } else if (!(axes == set.meta.axes)) {
      throw Error(origin + ": columns " + describe(axes) + " differ from " + describe(set.meta.axes) + " in " + first);
    } else if (rate_from_time && !close_rates(rate, set.meta.rate_hz)) {
      throw Error(origin + ": its timestamps give " + format_double(rate) + " Hz, but " + first + " gives " +
                  format_double(set.meta.rate_hz) + " Hz; give one rate for all with --rate HZ");
    }
    set.samples.push_back(std::move(s));
  }
  return set;
}

void export_csv(const Dataset& d, const fs::path& out) {
  const Meta& m = d.meta();
  std::string header = "timestamp";
  for (const auto& a : m.axes) header += "," + (a.unit.empty() ? a.name : a.name + " (" + a.unit + ")");
  header += "\n";
  std::vector<ManifestRow> rows;
  for (const char* sub : {"training", "testing"}) fs::create_directories(out / sub);
  const size_t w = m.axes.size();
  for (const auto& info : d.samples()) {
    const Sample s = d.load(info);
    std::string text = header;
    text.reserve(s.values.size() * 9 + info.rows * 20);
    for (size_t r = 0; r < info.rows; ++r) {
      append_double(text, static_cast<double>(r) * 1000.0 / m.rate_hz);
      for (size_t a = 0; a < w; ++a) {
        text += ',';
        append_float(text, s.values[r * w + a]);
      }
      text += '\n';
    }
    const std::string rel = export_path(info, ".csv");
    write_file_atomic(out / rel, text);
    rows.push_back(ManifestRow{rel, info.label, info.split, 0});
  }
  write_file_atomic(out / kManifestCsv, format_manifest_csv(rows));
}

}  // namespace tml::dataset
