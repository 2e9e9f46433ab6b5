#include "dataset/dataset.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>

#include "dataset/csv_text.h"
#include "dataset/wav_codec.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kManifest = "dataset.json";
constexpr const char* kFormatName = "tml-dataset";
constexpr int kVersion = 1;

// The text of a name for an error message, with control characters shown as \xNN.
std::string shown(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 99;
    if (n == 99 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

void validate_name(const char* what, const std::string& s, size_t max_bytes) {
  const std::string q = std::string(what) + " '" + shown(s) + "'";
  if (s.empty()) throw Error(std::string(what) + " is empty");
  if (s.size() > max_bytes) throw Error(q + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (s == "." || s == "..") throw Error(q + " is not allowed: it names a folder");
  for (unsigned char c : s) {
    if (c == '/' || c == '\\') throw Error(q + " contains a path separator ('/' or '\\')");
    if (c < 0x20 || c == 0x7f) throw Error(q + " contains a control character");
  }
  if (s[0] == '-') throw Error(q + " starts with '-' (it would read as a command-line option)");
  if (s[0] == '.') throw Error(q + " starts with '.' (it would name a hidden file)");
  if (!valid_utf8(s)) throw Error(q + " is not valid UTF-8");
}

void validate_axis_text(const char* what, const std::string& s, bool may_be_empty) {
  if (s.empty()) {
    if (may_be_empty) return;
    throw Error(std::string(what) + " is empty");
  }
  const std::string q = std::string(what) + " '" + shown(s) + "'";
  if (s.size() > 64) throw Error(q + " is longer than 64 bytes");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || c == ',' || c == '"')
      throw Error(q + " contains a comma, a double quote or a control character");
  if (s.front() == ' ' || s.back() == ' ') throw Error(q + " starts or ends with a space");
  if (!valid_utf8(s)) throw Error(q + " is not valid UTF-8");
}

uint32_t fnv1a32(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string random_hex8() {
  static std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
  return buf;
}

bool same_meta(const Meta& a, const Meta& b) {
  return a.sensor == b.sensor && a.axes == b.axes && a.rate_hz == b.rate_hz && a.sample_format == b.sample_format &&
         a.test_percent == b.test_percent;
}

// ---- manifest text --------------------------------------------------------------------------------

std::string dump(const ordered_json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

ordered_json sample_json(const SampleInfo& s) {
  ordered_json j;
  j["id"] = s.id;
  j["label"] = s.label;
  j["split"] = s.split;
  j["file"] = s.file;
  j["rows"] = s.rows;
  j["device"] = s.device;
  j["source"] = s.source;
  j["created"] = s.created;
  return j;
}

// Indented, one line per axis list and per sample, so that the file reads and diffs well.
std::string manifest_text(const Meta& m, const std::vector<SampleInfo>& samples) {
  std::string t = "{\n";
  t += "  \"format\": \"" + std::string(kFormatName) + "\",\n";
  t += "  \"version\": " + std::to_string(kVersion) + ",\n";
  t += "  \"sensor\": " + dump(m.sensor) + ",\n";
  t += "  \"axes\": [";
  for (size_t i = 0; i < m.axes.size(); ++i) {
    ordered_json a;
    a["name"] = m.axes[i].name;
    a["unit"] = m.axes[i].unit;
    t += (i ? ", " : "") + dump(a);
  }
  t += "],\n";
  t += "  \"rate_hz\": " + dump(m.rate_hz) + ",\n";
  t += "  \"sample_format\": " + dump(m.sample_format) + ",\n";
  t += "  \"test_percent\": " + std::to_string(m.test_percent) + ",\n";
  t += "  \"samples\": [";
  for (size_t i = 0; i < samples.size(); ++i) t += (i ? ",\n    " : "\n    ") + dump(sample_json(samples[i]));
  t += samples.empty() ? "]\n" : "\n  ]\n";
  t += "}\n";
  return t;
}

// ---- manifest parsing -----------------------------------------------------------------------------

struct Manifest {
  Meta meta;
  std::vector<SampleInfo> samples;
};

const json& field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw Error(where + " has no \"" + key + "\" field");
  return *it;
}

std::string str_field(const json& obj, const char* key, const std::string& where) {
  const json& v = field(obj, key, where);
  if (!v.is_string()) throw Error(where + ": \"" + key + "\" must be a string");
  return v.get<std::string>();
}

Manifest parse_manifest(const std::string& text, const fs::path& file) {
  const std::string f = file.string();
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(f + " is not valid JSON (" + e.what() +
                "). The dataset's manifest is damaged; restore it from a backup or version control");
  }
  if (!j.is_object()) throw Error(f + " is not a dataset manifest (not a JSON object)");
  if (!j.contains("format") || j["format"] != kFormatName)
    throw Error(f + " is not a tml dataset manifest (no \"format\": \"tml-dataset\")");
  const json& ver = field(j, "version", f);
  if (!ver.is_number_integer()) throw Error(f + ": \"version\" must be an integer");
  if (ver.get<int64_t>() != kVersion)
    throw Error(f + " has format version " + ver.dump() + "; this tml reads version " + std::to_string(kVersion) +
                (ver.get<int64_t>() > kVersion ? " (the dataset was written by a newer tml)" : ""));
  Manifest m;
  try {
    m.meta.sensor = str_field(j, "sensor", f);
    const json& axes = field(j, "axes", f);
    if (!axes.is_array()) throw Error(f + ": \"axes\" must be a list");
    for (const auto& a : axes) {
      if (!a.is_object()) throw Error(f + ": each entry of \"axes\" must be an object with name and unit");
      m.meta.axes.push_back({str_field(a, "name", f + " axis"), str_field(a, "unit", f + " axis")});
    }
    const json& rate = field(j, "rate_hz", f);
    if (!rate.is_number()) throw Error(f + ": \"rate_hz\" must be a number");
    m.meta.rate_hz = rate.get<double>();
    m.meta.sample_format = str_field(j, "sample_format", f);
    const json& tp = field(j, "test_percent", f);
    if (!tp.is_number_integer()) throw Error(f + ": \"test_percent\" must be an integer");
    m.meta.test_percent = static_cast<int>(std::clamp<int64_t>(tp.get<int64_t>(), -1, 101));
    validate_meta(m.meta);
  } catch (const Error& e) {
    const std::string msg = e.what();
    throw Error(msg.rfind(f, 0) == 0 ? msg : f + ": " + msg);
  }
  const json& samples = field(j, "samples", f);
  if (!samples.is_array()) throw Error(f + ": \"samples\" must be a list");
  std::set<std::string> ids;
  size_t index = 0;
  for (const auto& s : samples) {
    ++index;
    const std::string where = f + " sample #" + std::to_string(index);
    if (!s.is_object()) throw Error(where + " is not an object");
    SampleInfo info;
    try {
      info.id = str_field(s, "id", where);
      info.label = str_field(s, "label", where);
      info.split = str_field(s, "split", where);
      info.file = str_field(s, "file", where);
      const json& rows = field(s, "rows", where);
      if (!rows.is_number_unsigned() || rows.get<uint64_t>() == 0)
        throw Error(where + ": \"rows\" must be a positive integer");
      info.rows = rows.get<size_t>();
      info.device = str_field(s, "device", where);
      info.source = str_field(s, "source", where);
      info.created = str_field(s, "created", where);
      validate_sample_id(info.id);
      validate_label(info.label);
    } catch (const Error& e) {
      const std::string msg = e.what();
      throw Error(msg.rfind(f, 0) == 0 ? msg : where + ": " + msg);
    }
    const std::string stem = "data/" + info.label + "/" + info.id;
    if (info.file != stem + ".csv" && info.file != stem + ".wav")
      throw Error(where + " (" + info.id + "): file \"" + shown(info.file) + "\" must be " + stem + ".csv or .wav");
    check_split(info.split, where + " (" + info.id + ")");
    if (!ids.insert(info.id).second) throw Error(where + ": sample id '" + info.id + "' appears twice");
    m.samples.push_back(std::move(info));
  }
  return m;
}

std::string read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifest;
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error("no dataset at " + dir.string() + ": the folder does not exist");
  if (!fs::is_directory(dir, ec)) throw Error("no dataset at " + dir.string() + ": it is not a folder");
  if (!fs::exists(file, ec))
    throw Error("no dataset at " + dir.string() + " (it has no " + kManifest +
                "); create one with `tml capture` or `tml dataset import`");
  if (!fs::is_regular_file(file, ec)) throw Error(file.string() + " is not a regular file");
  return read_file(file);
}

// ---- sample files ---------------------------------------------------------------------------------

std::string encode_sample(const Meta& meta, const SampleInfo& info, const std::vector<float>& values) {
  if (info.file.size() > 4 && info.file.compare(info.file.size() - 4, 4, ".wav") == 0) {
    std::vector<int16_t> pcm(values.size());
    for (size_t i = 0; i < values.size(); ++i) pcm[i] = static_cast<int16_t>(values[i]);
    return encode_wav(static_cast<uint32_t>(meta.rate_hz), pcm);
  }
  std::vector<std::string> header;
  for (const auto& a : meta.axes) header.push_back(a.name);
  return format_csv(header, values);
}

// Holds an exclusive flock on a folder for its lifetime.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw Error("cannot open dataset folder " + dir.string() + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd_);
      throw Error("cannot lock dataset folder " + dir.string() + ": " + why);
    }
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

void sync_folder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Creates `dir` unless it exists (then it must be a folder); records what it created.
void ensure_folder(const fs::path& dir, std::vector<fs::path>& created) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw Error("cannot write " + dir.string() + ": it exists and is not a folder");
    return;
  }
  if (!fs::create_directory(dir, ec)) throw Error("cannot create folder " + dir.string() + ": " + ec.message());
  created.push_back(dir);
  sync_folder(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
}

}  // namespace

// ---- free functions -------------------------------------------------------------------------------

void validate_label(const std::string& label) { validate_name("label", label, 64); }
void validate_sample_id(const std::string& id) { validate_name("sample id", id, 128); }

void validate_meta(const Meta& m) {
  if (m.sensor.empty()) throw Error("the sensor name is empty");
  for (unsigned char c : m.sensor)
    if (c < 0x20 || c == 0x7f) throw Error("the sensor name '" + shown(m.sensor) + "' contains a control character");
  if (m.axes.empty()) throw Error("a dataset needs at least one axis");
  std::set<std::string> names;
  for (const auto& a : m.axes) {
    validate_axis_text("axis name", a.name, false);
    validate_axis_text("unit", a.unit, true);
    if (!names.insert(a.name).second) throw Error("axis '" + a.name + "' appears twice");
  }
  if (!std::isfinite(m.rate_hz) || m.rate_hz <= 0)
    throw Error("the sample rate must be a positive number of Hz, not " + format_double(m.rate_hz));
  if (m.sample_format != "f32" && m.sample_format != "i16")
    throw Error("sample format '" + shown(m.sample_format) + "' is not \"f32\" or \"i16\"");
  if (m.test_percent < 0 || m.test_percent > 100)
    throw Error("test_percent must be within 0..100, not " + std::to_string(m.test_percent));
}

std::string describe(const Meta& m) {
  std::string s = m.sensor + ": ";
  for (size_t i = 0; i < m.axes.size(); ++i) {
    s += (i ? ", " : "") + m.axes[i].name;
    if (!m.axes[i].unit.empty()) s += " (" + m.axes[i].unit + ")";
  }
  return s + " at " + format_double(m.rate_hz) + " Hz, " + m.sample_format;
}

bool same_axes_and_rate(const Meta& a, const Meta& b) {
  return a.axes == b.axes && std::fabs(a.rate_hz - b.rate_hz) <= 1e-9 * std::max(a.rate_hz, b.rate_hz);
}

bool stores_wav(const Meta& m) {
  return m.sensor == "microphone" && m.axes.size() == 1 && m.sample_format == "i16" &&
         m.rate_hz == std::floor(m.rate_hz) && m.rate_hz <= std::numeric_limits<uint32_t>::max();
}

bool is_split(const std::string& split) { return split == "train" || split == "test"; }

void check_split(const std::string& split, const std::string& where) {
  if (!is_split(split)) throw Error(where + ": split \"" + shown(split) + "\" must be \"train\" or \"test\"");
}

std::string hash_split(const std::string& id, int test_percent) {
  return static_cast<int>(fnv1a32(id) % 100) < test_percent ? "test" : "train";
}

// ---- Dataset --------------------------------------------------------------------------------------

Dataset Dataset::open(const fs::path& dir) {
  Dataset d;
  d.manifest_text_ = read_manifest(dir);
  Manifest m = parse_manifest(d.manifest_text_, dir / kManifest);
  d.dir_ = dir;
  d.meta_ = std::move(m.meta);
  d.samples_ = std::move(m.samples);
  d.on_disk_ = true;
  return d;
}

Dataset Dataset::open_or_create(const fs::path& dir, const Meta& meta) {
  validate_meta(meta);
  std::error_code ec;
  if (fs::exists(dir / kManifest, ec)) {
    Dataset d = open(dir);
    const Meta& have = d.meta();
    if (have.sensor != meta.sensor || !same_axes_and_rate(have, meta) || have.sample_format != meta.sample_format)
      throw Error("dataset " + dir.string() + " holds " + describe(have) + "; the new samples are " + describe(meta) +
                  ". Use another dataset folder for them");
    return d;
  }
  Dataset d = create_on_first_add(dir, meta);
  d.add_all({});
  return d;
}

Dataset Dataset::create_on_first_add(const fs::path& dir, const Meta& meta) {
  validate_meta(meta);
  std::error_code ec;
  if (fs::exists(dir / kManifest, ec)) throw Error(dir.string() + " already holds a dataset");
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw Error("cannot create a dataset at " + dir.string() + ": it is a file");
    if (!fs::is_empty(dir, ec))
      throw Error("cannot create a dataset in " + dir.string() +
                  ": the folder has other files and no dataset.json; choose a new or empty folder");
  }
  Dataset d;
  d.dir_ = dir;
  d.meta_ = meta;
  return d;
}

std::vector<std::string> Dataset::labels() const {
  std::set<std::string> s;
  for (const auto& info : samples_) s.insert(info.label);
  return {s.begin(), s.end()};
}

Sample Dataset::load(const SampleInfo& info) const {
  const fs::path path = dir_ / info.file;
  const std::string p = path.string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error("sample '" + info.id + "' is in the manifest but its file " + p + " is missing");
  Sample s;
  s.info = info;
  const size_t n_axes = meta_.axes.size();
  const std::string bytes = read_file(path);
  if (path.extension() == ".wav") {
    WavAudio a = decode_wav(bytes, p);
    if (n_axes != 1) throw Error(p + ": a WAV sample needs a one-axis dataset; this one has " + std::to_string(n_axes));
    if (a.rate_hz != meta_.rate_hz)
      throw Error(p + ": recorded at " + std::to_string(a.rate_hz) + " Hz, the dataset is " +
                  format_double(meta_.rate_hz) + " Hz");
    s.values.assign(a.samples.begin(), a.samples.end());
  } else {
    CsvText t = split_csv(bytes, p);
    if (t.header.size() != n_axes)
      throw Error(p + ": " + std::to_string(t.header.size()) + " columns, the dataset has " + std::to_string(n_axes) +
                  " axes");
    for (size_t c = 0; c < n_axes; ++c)
      if (t.header[c] != meta_.axes[c].name)
        throw Error(p + ": column " + std::to_string(c + 1) + " is '" + t.header[c] + "', the dataset's axis is '" +
                    meta_.axes[c].name + "'");
    s.values.resize(t.cells.size());
    for (size_t r = 0; r < t.rows(); ++r)
      for (size_t c = 0; c < n_axes; ++c) {
        auto v = parse_float(t.cell(r, c));
        if (!v)
          throw Error(p + " line " + std::to_string(t.line_of_row[r]) + ": '" + std::string(t.cell(r, c)) +
                      "' is not a finite number");
        if (meta_.sample_format == "i16" && (*v != std::nearbyint(*v) || *v < -32768.0f || *v > 32767.0f))
          throw Error(p + " line " + std::to_string(t.line_of_row[r]) + ": " + std::string(t.cell(r, c)) +
                      " is not a 16-bit integer, which this dataset (i16) holds");
        s.values[r * n_axes + c] = *v;
      }
  }
  const size_t rows = s.values.size() / n_axes;
  if (rows != info.rows)
    throw Error(p + " holds " + std::to_string(rows) + " rows; the manifest says " + std::to_string(info.rows));
  return s;
}

SampleInfo Dataset::add(const std::string& label, const std::vector<float>& values, const std::string& device,
                        const std::string& source, const std::string& id, const std::string& split) {
  NewSample ns;
  ns.label = label;
  ns.values = values;
  ns.device = device;
  ns.source = source;
  ns.id = id;
  ns.split = split;
  return add_all({ns}).front();
}

void Dataset::reload_if_changed() {
  const std::string text = read_manifest(dir_);
  if (text == manifest_text_) return;
  Manifest m = parse_manifest(text, dir_ / kManifest);
  if (!same_meta(m.meta, meta_))
    throw Error("the configuration of dataset " + dir_.string() + " was changed by another program since it was opened");
  samples_ = std::move(m.samples);
  manifest_text_ = text;
}

std::vector<SampleInfo> Dataset::add_all(const std::vector<NewSample>& batch) {
  std::optional<FolderLock> lock;
  if (on_disk_) {
    lock.emplace(dir_);
    reload_if_changed();
  }

  // 1. Check everything and build the new entries; nothing touches the disk yet.
  const size_t n_axes = meta_.axes.size();
  const bool wav = stores_wav(meta_);
  const bool i16 = meta_.sample_format == "i16";
  std::set<std::string> existing, ids;
  for (const auto& s : samples_) existing.insert(s.id);
  std::vector<SampleInfo> added;
  const std::string created_now = now_utc();
  for (const auto& ns : batch) {
    validate_label(ns.label);
    SampleInfo info;
    info.label = ns.label;
    if (ns.id.empty()) {
      do info.id = ns.label + "." + random_hex8();
      while (existing.count(info.id) || ids.count(info.id));
    } else {
      validate_sample_id(ns.id);
      info.id = ns.id;
    }
    const std::string who = "sample '" + info.id + "'";
    if (existing.count(info.id)) throw Error(who + " is already in dataset " + dir_.string());
    if (!ids.insert(info.id).second) throw Error("sample id '" + info.id + "' is given twice");
    if (ns.values.empty()) throw Error(who + " has no values");
    if (ns.values.size() % n_axes != 0)
      throw Error(who + ": " + std::to_string(ns.values.size()) + " values are not a whole number of rows of " +
                  std::to_string(n_axes) + " axes");
    for (size_t i = 0; i < ns.values.size(); ++i) {
      const float v = ns.values[i];
      const std::string at = who + ", row " + std::to_string(i / n_axes + 1) + ", axis " + meta_.axes[i % n_axes].name;
      if (!std::isfinite(v)) throw Error(at + ": the value is not a finite number");
      if (i16 && (v != std::nearbyint(v) || v < -32768.0f || v > 32767.0f))
        throw Error(at + ": " + format_float(v) + " is not a 16-bit integer, which this dataset (i16) holds");
    }
    info.rows = ns.values.size() / n_axes;
    info.split = ns.split.empty() ? hash_split(info.id, meta_.test_percent) : ns.split;
    check_split(info.split, who);
    info.device = ns.device;
    info.source = ns.source;
    info.created = ns.created.empty() ? created_now : ns.created;
    info.file = "data/" + info.label + "/" + info.id + (wav ? ".wav" : ".csv");
    std::error_code ec;
    if (fs::exists(dir_ / info.file, ec) || fs::is_symlink(dir_ / info.file, ec))
      throw Error((dir_ / info.file).string() +
                  " already exists but no manifest entry names it (left by an interrupted write?); "
                  "remove it and try again");
    added.push_back(std::move(info));
  }
  if (added.empty() && on_disk_) return {};
  std::vector<SampleInfo> all = samples_;
  all.insert(all.end(), added.begin(), added.end());
  const std::string text = manifest_text(meta_, all);

  // 2. Sample files, then the manifest. On failure, remove what this call wrote and created.
  std::vector<fs::path> created_folders;
  std::vector<fs::path> written;
  try {
    ensure_folder(dir_, created_folders);
    if (!on_disk_) {
      lock.emplace(dir_);
      std::error_code ec;
      if (fs::exists(dir_ / kManifest, ec))
        throw Error("another program created a dataset at " + dir_.string() + " meanwhile; try again");
    }
    ensure_folder(dir_ / "data", created_folders);
    for (size_t i = 0; i < added.size(); ++i) {
      ensure_folder(dir_ / "data" / added[i].label, created_folders);
      const fs::path path = dir_ / added[i].file;
      write_file_atomic(path, encode_sample(meta_, added[i], batch[i].values));
      written.push_back(path);
    }
    write_file_atomic(dir_ / kManifest, text);
  } catch (...) {
    std::error_code ec;
    for (const auto& p : written) fs::remove(p, ec);
    for (auto it = created_folders.rbegin(); it != created_folders.rend(); ++it) fs::remove(*it, ec);
    throw;
  }
  samples_ = std::move(all);
  manifest_text_ = text;
  on_disk_ = true;
  return added;
}

std::vector<std::string> Dataset::orphans() const {
  std::set<std::string> known;
  for (const auto& s : samples_) known.insert(s.file);
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path data = dir_ / "data";
  if (fs::is_directory(data, ec)) {
    for (auto it = fs::recursive_directory_iterator(data, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code e2;
      if (it->is_directory(e2)) continue;
      const std::string rel = it->path().lexically_relative(dir_).generic_string();
      if (!known.count(rel)) out.push_back(rel);
    }
  }
  for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(std::string(kManifest) + ".tmp.", 0) == 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<SampleInfo> Dataset::missing() const {
  std::vector<SampleInfo> out;
  std::error_code ec;
  for (const auto& s : samples_)
    if (!fs::is_regular_file(dir_ / s.file, ec)) out.push_back(s);
  return out;
}

}  // namespace tml::dataset
