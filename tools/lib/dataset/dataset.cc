#include "dataset/dataset.h"

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "dataset/folder_lock.h"
#include "dataset/manifest.h"
#include "dataset/sample_file.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"
#include "util/utc_time.h"

namespace tml::dataset {
namespace fs = std::filesystem;

namespace {

std::string random_hex8() {
  static std::random_device rd;
  return hex32(static_cast<uint32_t>(rd()));
}

bool same_meta(const Meta& a, const Meta& b) {
  return a.sensor == b.sensor && a.axes == b.axes && a.rate_hz == b.rate_hz && a.sample_format == b.sample_format &&
         a.test_percent == b.test_percent;
}

// Whether `dir` holds nothing but temporary files of the creation marker ("<kCreating>.tmp.<pid>.<random>"):
// what a creation killed while writing its marker leaves (the marker's atomic write sweeps them).
bool only_marker_temporaries(const fs::path& dir) {
  const std::string prefix = std::string(kCreating) + ".tmp.";
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().filename().string().rfind(prefix, 0) != 0) return false;
  return !ec;
}

// Whether `rel` is a path the store writes a sample to, data/<label>/<file>: what a journal may name
// (a damaged journal can make the next addition remove nothing else).
bool is_sample_path(const fs::path& rel) {
  std::vector<std::string> parts;
  for (const auto& part : rel) parts.push_back(part.string());
  if (parts.size() != 3 || parts[0] != "data") return false;
  for (const auto& part : parts)
    if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos) return false;
  return true;
}

}  // namespace

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
  if (exists(dir)) {
    Dataset d = open(dir);
    const Meta& have = d.meta();
    if (have.sensor != meta.sensor || !same_axes_and_rate(have, meta) || have.sample_format != meta.sample_format)
      throw Error("dataset " + dir.string() + " holds " + describe(have) + "; the new samples are " + describe(meta) +
                  ". Use another dataset folder for them");
    return d;
  }
  // Created under the folder's lock, so that of several programs creating it at once one does and the
  // others open what it made.
  std::vector<fs::path> created;
  ensure_folder(dir, created);
  {
    FolderLock lock(dir);
    if (!exists(dir)) {
      Dataset d = create_on_first_add(dir, meta);
      d.add_all({}, true);
      return d;
    }
  }
  return open_or_create(dir, meta);
}

Dataset Dataset::create_on_first_add(const fs::path& dir, const Meta& meta) {
  validate_meta(meta);
  std::error_code ec;
  if (exists(dir)) throw Error(dir.string() + " already holds a dataset");
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw Error("cannot create a dataset at " + dir.string() + ": it is a file");
    if (!fs::is_empty(dir, ec) && !fs::exists(dir / kCreating, ec) && !only_marker_temporaries(dir))
      throw Error("cannot create a dataset in " + dir.string() +
                  ": the folder has other files and no dataset.json; choose a new or empty folder");
  }
  Dataset d;
  d.dir_ = dir;
  d.meta_ = meta;
  return d;
}

bool Dataset::exists(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / kManifest, ec);
}

std::vector<std::string> Dataset::labels() const {
  std::set<std::string> s;
  for (const auto& info : samples_) s.insert(info.label);
  return {s.begin(), s.end()};
}

Sample Dataset::load(const SampleInfo& info) const { return read_sample(dir_, meta_, info); }

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
    throw Error("the configuration of dataset " + dir_.string() +
                " was changed by another program since it was opened");
  samples_ = std::move(m.samples);
  manifest_text_ = text;
}

std::vector<std::string> Dataset::journaled() const {
  std::error_code ec;
  const fs::path journal = dir_ / kAdding;
  if (!fs::is_regular_file(journal, ec) || fs::is_symlink(journal, ec)) return {};
  std::string text;
  try {
    text = read_file(journal);
  } catch (const Error&) {
    return {};
  }
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (is_sample_path(line)) out.push_back(fs::path(line).generic_string());
  return out;
}

void Dataset::undo_interrupted_addition() {
  // Under the lock: a journal is what an addition killed before it removed its journal left. Its files
  // the manifest names were added (it was killed after the manifest); the others were never added.
  std::error_code ec;
  const fs::path journal = dir_ / kAdding;
  if (!fs::exists(journal, ec) && !fs::is_symlink(journal, ec)) return;
  std::set<std::string> known;
  for (const auto& s : samples_) known.insert(s.file);
  size_t removed = 0;
  for (const auto& file : journaled())
    if (!known.count(file) && fs::remove(dir_ / file, ec)) ++removed;
  fs::remove(journal, ec);
  if (removed > 0)
    spdlog::warn("{}: removed {} sample file(s) of an addition that was interrupted before its manifest named them",
                 dir_.string(), removed);
}

std::vector<SampleInfo> Dataset::check_new(const std::vector<NewSample>& batch) const {
  std::set<std::string> existing, ids;
  for (const auto& s : samples_) existing.insert(s.id);
  std::vector<SampleInfo> added;
  const std::string created_now = utc_now();
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
    check_sample_values(meta_, ns.values, who);
    info.rows = ns.values.size() / meta_.axes.size();
    info.split = ns.split.empty() ? hash_split(info.id, meta_.test_percent) : ns.split;
    check_split(info.split, who);
    info.device = ns.device;
    info.source = ns.source;
    info.created = ns.created.empty() ? created_now : ns.created;
    info.file = sample_file_name(meta_, info.label, info.id);
    std::error_code ec;
    const bool killed_creation = !on_disk_ && fs::exists(dir_ / kCreating, ec);  // its files are cleared first
    if (!killed_creation && (fs::exists(dir_ / info.file, ec) || fs::is_symlink(dir_ / info.file, ec)))
      throw Error((dir_ / info.file).string() +
                  " already exists but no manifest entry names it (left by an interrupted write?); "
                  "remove it and try again");
    added.push_back(std::move(info));
  }
  return added;
}

void Dataset::write(const std::vector<SampleInfo>& added, const std::vector<NewSample>& batch,
                    const std::string& manifest, bool locked) {
  // Sample files, then the manifest. On failure, remove what this call wrote and created.
  std::optional<FolderLock> lock;  // a dataset already on disk is locked by add_all
  std::vector<fs::path> created_folders, written;
  const fs::path marker = dir_ / kCreating, journal = dir_ / kAdding;
  bool made_marker = false, made_journal = false;
  try {
    ensure_folder(dir_, created_folders);
    if (!on_disk_) {
      if (!locked) lock.emplace(dir_);
      if (exists(dir_)) throw Error("another program created a dataset at " + dir_.string() + " meanwhile; try again");
      std::error_code ec;
      if (fs::exists(marker, ec)) {  // a creation killed half way: nothing in the folder is anyone's work
        size_t n = 0;
        for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
          if (it->path().filename() != kCreating) n += static_cast<size_t>(fs::remove_all(it->path(), ec));
        spdlog::warn("{}: removed {} file(s) an interrupted creation of the dataset left", dir_.string(), n);
      } else {
        write_file_atomic(marker, "tml is creating a dataset in this folder\n");
        made_marker = true;
      }
    } else {
      // Under the lock every temporary file is a leftover of a writer that was killed, and so is a
      // creation marker beside a manifest.
      std::error_code ec;
      remove_stale_temporaries(dir_, true);
      fs::remove(marker, ec);
      for (auto it = fs::directory_iterator(dir_ / "data", ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (std::error_code e2; it->is_directory(e2)) remove_stale_temporaries(it->path(), true);
      std::string files;
      for (const auto& info : added) files += info.file + "\n";
      write_file_atomic(journal, files);
      made_journal = true;
    }
    ensure_folder(dir_ / "data", created_folders);
    for (size_t i = 0; i < added.size(); ++i) {
      ensure_folder(dir_ / "data" / added[i].label, created_folders);
      const fs::path path = dir_ / added[i].file;
      write_file_atomic(path, encode_sample(meta_, added[i].file, batch[i].values));
      written.push_back(path);
    }
    write_file_atomic(dir_ / kManifest, manifest);
  } catch (...) {
    std::error_code ec;
    for (const auto& p : written) fs::remove(p, ec);
    if (made_marker) fs::remove(marker, ec);
    if (made_journal) fs::remove(journal, ec);
    for (auto it = created_folders.rbegin(); it != created_folders.rend(); ++it) fs::remove(*it, ec);
    throw;
  }
  std::error_code ec;
  if (made_journal) fs::remove(journal, ec);
  if (!on_disk_) {
    fs::remove(marker, ec);
    sync_folder(dir_);
  }
}

std::vector<SampleInfo> Dataset::add_all(const std::vector<NewSample>& batch) { return add_all(batch, false); }

std::vector<SampleInfo> Dataset::add_all(const std::vector<NewSample>& batch, bool locked) {
  std::optional<FolderLock> lock;
  if (on_disk_ && !locked) {
    lock.emplace(dir_);
    reload_if_changed();
  }
  if (on_disk_) undo_interrupted_addition();
  // Check everything and build the new entries before anything touches the disk.
  std::vector<SampleInfo> added = check_new(batch);
  if (added.empty() && on_disk_) return {};
  std::vector<SampleInfo> all = samples_;
  all.insert(all.end(), added.begin(), added.end());
  const std::string text = manifest_text(meta_, all);
  write(added, batch, text, locked);
  samples_ = std::move(all);
  manifest_text_ = text;
  on_disk_ = true;
  return added;
}

std::vector<std::string> Dataset::orphans() const {
  std::set<std::string> known;
  for (const auto& s : samples_) known.insert(s.file);
  for (const auto& f : journaled()) known.insert(f);  // an interrupted addition's: the next write removes them
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
    // The creation marker beside a manifest is what a creation killed between writing its manifest and
    // removing the marker leaves: the dataset is whole, and the next write removes it; no one's lost work.
    if (name.rfind(std::string(kManifest) + ".tmp.", 0) == 0 || (name == kCreating && !exists(dir_)))
      out.push_back(name);
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
