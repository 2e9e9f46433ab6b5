#include "dataset/sample_file.h"

#include <cmath>
#include <cstdint>

#include "dataset/csv_text.h"
#include "dataset/wav_codec.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;
namespace {

bool is_wav(const std::string& file) { return file.size() > 4 && file.compare(file.size() - 4, 4, ".wav") == 0; }

bool is_i16(float v) { return v == std::nearbyint(v) && v >= -32768.0f && v <= 32767.0f; }

std::vector<float> read_wav_values(const std::string& bytes, const std::string& p, const Meta& meta) {
  WavAudio a = decode_wav(bytes, p);
  if (meta.axes.size() != 1)
    throw Error(p + ": a WAV sample needs a one-axis dataset; this one has " + std::to_string(meta.axes.size()));
  if (a.rate_hz != meta.rate_hz)
    throw Error(p + ": recorded at " + std::to_string(a.rate_hz) + " Hz, the dataset is " +
                format_double(meta.rate_hz) + " Hz");
  return std::vector<float>(a.samples.begin(), a.samples.end());
}

std::vector<float> read_csv_values(const std::string& bytes, const std::string& p, const Meta& meta) {
  const size_t n_axes = meta.axes.size();
  const CsvText t = split_csv(bytes, p);
  if (t.header.size() != n_axes)
    throw Error(p + ": " + std::to_string(t.header.size()) + " columns, the dataset has " + std::to_string(n_axes) +
                " axes");
  for (size_t c = 0; c < n_axes; ++c)
    if (t.header[c] != meta.axes[c].name)
      throw Error(p + ": column " + std::to_string(c + 1) + " is '" + t.header[c] + "', the dataset's axis is '" +
                  meta.axes[c].name + "'");
  std::vector<float> values(t.cells.size());
  for (size_t r = 0; r < t.rows(); ++r)
    for (size_t c = 0; c < n_axes; ++c) {
      const std::string line = p + " line " + std::to_string(t.line_of_row[r]);
      auto v = parse_float(t.cell(r, c));
      if (!v) throw Error(line + ": '" + std::string(t.cell(r, c)) + "' is not a finite number");
      if (meta.sample_format == "i16" && !is_i16(*v))
        throw Error(line + ": " + std::string(t.cell(r, c)) +
                    " is not a 16-bit integer, which this dataset (i16) holds");
      values[r * n_axes + c] = *v;
    }
  return values;
}

}  // namespace

std::string sample_file_name(const Meta& meta, const std::string& label, const std::string& id) {
  return "data/" + label + "/" + id + (stores_wav(meta) ? ".wav" : ".csv");
}

std::string encode_sample(const Meta& meta, const std::string& file, const std::vector<float>& values) {
  if (is_wav(file)) {
    std::vector<int16_t> pcm(values.size());
    for (size_t i = 0; i < values.size(); ++i) pcm[i] = static_cast<int16_t>(values[i]);
    return encode_wav(static_cast<uint32_t>(meta.rate_hz), pcm);
  }
  std::vector<std::string> header;
  for (const auto& a : meta.axes) header.push_back(a.name);
  return format_csv(header, values);
}

void check_sample_values(const Meta& meta, const std::vector<float>& values, const std::string& who) {
  const size_t n_axes = meta.axes.size();
  if (values.empty()) throw Error(who + " has no values");
  if (values.size() % n_axes != 0)
    throw Error(who + ": " + std::to_string(values.size()) + " values are not a whole number of rows of " +
                std::to_string(n_axes) + " axes");
  const bool i16 = meta.sample_format == "i16";
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    const std::string at = who + ", row " + std::to_string(i / n_axes + 1) + ", axis " + meta.axes[i % n_axes].name;
    if (!std::isfinite(v)) throw Error(at + ": the value is not a finite number");
    if (i16 && !is_i16(v))
      throw Error(at + ": " + format_float(v) + " is not a 16-bit integer, which this dataset (i16) holds");
  }
}

Sample read_sample(const fs::path& dir, const Meta& meta, const SampleInfo& info) {
  const fs::path path = dir / info.file;
  const std::string p = path.string();
  std::error_code ec;
  // A dataset holds its own files: a symbolic link (the file's or a folder's under the dataset) could point
  // anywhere, outside the dataset included, and is refused, not followed.
  for (fs::path part = fs::path(info.file); !part.empty() && part != part.parent_path(); part = part.parent_path())
    if (fs::is_symlink(dir / part, ec))
      throw Error("sample '" + info.id + "': " + (dir / part).string() +
                  " is a symbolic link; a dataset holds its own files (copy the file in its place)");
  if (!fs::is_regular_file(path, ec))
    throw Error("sample '" + info.id + "' is in the manifest but its file " + p + " is missing");
  const std::string bytes = read_file(path);
  Sample s;
  s.info = info;
  s.values = path.extension() == ".wav" ? read_wav_values(bytes, p, meta) : read_csv_values(bytes, p, meta);
  const size_t rows = s.values.size() / meta.axes.size();
  if (rows != info.rows)
    throw Error(p + " holds " + std::to_string(rows) + " rows; the manifest says " + std::to_string(info.rows));
  return s;
}

}  // namespace tml::dataset
