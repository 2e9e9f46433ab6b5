#include "formats/input_files.h"

#include <algorithm>
#include <cmath>

#include "dataset/csv_text.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;

namespace {

bool hidden(const fs::path& p) {
  const std::string n = p.filename().string();
  return !n.empty() && n[0] == '.';
}

}  // namespace

std::vector<InputFile> input_files(const fs::path& input, const std::string& extension,
                                   const std::vector<std::string>& skip) {
  std::error_code ec;
  if (fs::is_regular_file(input, ec)) {
    const fs::path parent = input.has_parent_path() ? input.parent_path() : fs::path(".");
    return {InputFile{input, parent, true}};
  }
  if (!fs::is_directory(input, ec)) throw Error(input.string() + " is neither a file nor a folder");
  fs::path root = input.lexically_normal();  // "in/" -> "in", so that paths below compare
  if (root.filename().empty() && root.has_parent_path()) root = root.parent_path();
  std::vector<InputFile> out;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code e2;
    if (hidden(it->path())) {
      if (it->is_directory(e2)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(e2)) continue;
    const std::string name = it->path().filename().string();
    if (std::find(skip.begin(), skip.end(), name) != skip.end() && it->path().parent_path() == root) continue;
    if (!extension.empty() && lowercase(it->path().extension().string()) != extension) continue;
    out.push_back(InputFile{it->path(), root, false});
  }
  if (ec) throw Error("cannot list " + input.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return out;
}

namespace {

std::string split_of_folder(const std::string& name) {
  const std::string n = lowercase(name);
  if (n == "training" || n == "train") return "train";
  if (n == "testing" || n == "test") return "test";
  return "";
}

// The folder names between root and the file (for one file given alone: its parent's name).
std::vector<std::string> folders_of(const InputFile& f) {
  std::vector<std::string> out;
  if (f.single) {
    const fs::path parent = fs::absolute(f.path).parent_path();
    if (!parent.filename().empty()) out.push_back(parent.filename().string());
    return out;
  }
  const fs::path rel = f.path.lexically_relative(f.root).parent_path();
  for (const auto& part : rel) {
    const std::string s = part.string();
    if (!s.empty() && s != ".") out.push_back(s);
  }
  return out;
}

}  // namespace

std::string split_from_folders(const InputFile& f) {
  std::string split;
  for (const auto& name : folders_of(f)) {
    const std::string s = split_of_folder(name);
    if (!s.empty()) split = s;
  }
  return split;
}

std::string split_from_category(const std::string& category, const std::string& origin) {
  const std::string s = split_of_folder(category);
  if (s.empty()) throw Error(origin + ": category '" + category + "' is not training or testing");
  return s;
}

std::string label_from_path(const InputFile& f, bool use_folders) {
  if (use_folders && !f.single) {
    const auto folders = folders_of(f);
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
      if (split_of_folder(*it).empty()) return *it;
  }
  const std::string name = f.path.filename().string();
  return name.substr(0, name.find('.'));
}

std::string id_from_stem(const std::string& label, const std::string& stem) {
  return stem.rfind(label + ".", 0) == 0 ? stem : label + "." + stem;
}

std::string guess_sensor(const std::vector<Axis>& axes) {
  auto all_start = [&](const char* prefix) {
    for (const auto& a : axes)
      if (lowercase(a.name).rfind(prefix, 0) != 0) return false;
    return !axes.empty();
  };
  if (all_start("acc")) return "accelerometer";
  if (all_start("gyr")) return "gyroscope";
  if (axes.size() == 1 && lowercase(axes[0].name) == "audio") return "microphone";
  return "imported";
}

double rate_from_interval_s(double interval_s) { return std::round(1e6 / interval_s) / 1e6; }

std::vector<LabelledFile> labelled_files(const fs::path& input, const std::string& extension,
                                         const ImportOptions& opt) {
  std::vector<LabelledFile> out;
  std::error_code ec;
  const fs::path manifest = input / kManifestCsv;
  if (fs::is_directory(input, ec) && fs::is_regular_file(manifest, ec)) {
    for (const auto& row : read_manifest_csv(manifest)) {
      LabelledFile lf;
      lf.file = InputFile{input / fs::path(row.file).lexically_normal(), input.lexically_normal(), false};
      if (!fs::is_regular_file(lf.file.path, ec))
        throw Error(manifest.string() + " line " + std::to_string(row.line) + " names " + row.file +
                    ", which is missing");
      lf.label = !opt.label.empty() ? opt.label : !row.label.empty() ? row.label : label_from_path(lf.file, true);
      lf.split = row.split.empty() ? split_from_folders(lf.file) : row.split;
      out.push_back(std::move(lf));
    }
  } else {
    for (auto& f : input_files(input, extension, {kManifestCsv})) {
      LabelledFile lf;
      lf.label = !opt.label.empty() ? opt.label : label_from_path(f, true);
      lf.split = split_from_folders(f);
      lf.file = std::move(f);
      out.push_back(std::move(lf));
    }
  }
  for (auto& lf : out) lf.id = id_from_stem(lf.label, lf.file.path.stem().string());
  return out;
}

std::string split_folder(const std::string& split) { return split == "test" ? "testing" : "training"; }

std::string export_path(const SampleInfo& info, const std::string& extension) {
  return split_folder(info.split) + "/" + id_from_stem(info.label, info.id) + extension;
}

std::vector<ManifestRow> read_manifest_csv(const fs::path& file) {
  const std::string text = read_file(file);
  const CsvText t = split_csv(text, file.string());
  auto column = [&](const char* name) -> size_t {
    for (size_t c = 0; c < t.header.size(); ++c)
      if (lowercase(t.header[c]) == name) return c;
    throw Error(file.string() + " has no '" + name + "' column (it needs file,label,split)");
  };
  const size_t cf = column("file"), cl = column("label"), cs = column("split");
  std::vector<ManifestRow> rows;
  for (size_t r = 0; r < t.rows(); ++r) {
    ManifestRow row{csv_unquote(t.cell(r, cf)), csv_unquote(t.cell(r, cl)), std::string(t.cell(r, cs)),
                    t.line_of_row[r]};
    const std::string where = file.string() + " line " + std::to_string(row.line);
    const fs::path p = fs::path(row.file).lexically_normal();
    if (row.file.empty() || p.is_absolute() || (!p.empty() && *p.begin() == ".."))
      throw Error(where + ": file '" + row.file + "' must be a path inside the folder");
    if (!row.split.empty()) row.split = split_from_category(row.split, where);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_manifest_csv(const std::vector<ManifestRow>& rows) {
  std::string out = "file,label,split\n";
  for (const auto& r : rows) out += csv_field(r.file) + "," + csv_field(r.label) + "," + r.split + "\n";
  return out;
}

}  // namespace tml::dataset
