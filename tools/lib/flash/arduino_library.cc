#include "flash/arduino_library.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "flash/firmware_sources.h"
#include "pipeline/quantize_run.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"
#include "util/zip_writer.h"

namespace tml::flash {
namespace {

namespace fs = std::filesystem;

bool is_zip(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".zip";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string one_line(std::string s) {  // library.properties values are single lines
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string rate_text(double hz) {
  char b[32];
  std::snprintf(b, sizeof b, "%g Hz", hz);
  return b;
}

struct Texts {
  std::string sentence, paragraph;
};

Texts describe(const trainer::QModel& m, const fs::path& model_path) {
  const std::string labels = join(m.labels);
  std::string axes;
  for (const auto& a : m.axes) axes += (axes.empty() ? "" : ", ") + a.name + (a.unit.empty() ? "" : " (" + a.unit + ")");
  Texts t;
  t.sentence = "A " + std::to_string(m.labels.size()) + "-class classifier (" + labels + ") made with tml from " +
               model_path.filename().string() + ", with the tml firmware core that runs it.";
  t.paragraph = "Input: windows of " + std::to_string(m.window) + " rows of " + axes + " at " + rate_text(m.rate_hz) +
                ", a window every " + std::to_string(m.stride) + " rows. Call tml_begin(), then tml_push_sample() for each "
                "reading and tml_run() when tml_ready(); tml_label(tml_top()) and tml_score() give the result "
                "(src/tml_model_library.h). int8, heap-free, the same results as tml eval.";
  return t;
}

void write_library(const fs::path& dir, const std::string& name, const trainer::QModel& model, const fs::path& model_path,
                   const std::string& kernels) {
  const fs::path source = source_dir();
  const fs::path port = source / "firmware" / "ports" / "arduino_library";
  if (!fs::is_regular_file(port / "tml_model_library.cpp"))
    throw Error("the Arduino library sources are not at " + port.string() + " (set TML_SOURCE_DIR)");
  fs::create_directories(dir / "src");
  stage_firmware_core(source, dir / "src", kernels);
  fs::copy_file(port / "tml_model_library.h", dir / "src" / "tml_model_library.h");
  fs::copy_file(port / "tml_model_library.cpp", dir / "src" / "tml_model_library.cpp");
  write_file_atomic(dir / "src" / "tml_model.h", pipeline::export_header(model, model_path.filename().string(), "tml_model"));
  write_file_atomic(dir / "src" / (name + ".h"),
                    "// " + name + ": the model " + model_path.filename().string() +
                        " for your sketch (made by tml export --arduino-library).\n"
                        "// The API is in tml_model_library.h; the model's constants (TML_MODEL_*) in tml_model.h.\n"
                        "#ifndef " + name + "_H_\n#define " + name + "_H_\n\n#include \"tml_model_library.h\"\n\n#endif\n");
  const fs::path example = dir / "examples" / "classify";
  fs::create_directories(example);
  write_file_atomic(example / "classify.ino", replace_all(read_file(port / "examples" / "classify" / "classify.ino"), "@LIBRARY@", name));

  const Texts t = describe(model, model_path);
  std::string props;
  props += "name=" + name + "\n";
  props += "version=" TML_VERSION "\n";
  props += "author=tml export\nmaintainer=tml export\n";
  props += "sentence=" + one_line(t.sentence) + "\n";
  props += "paragraph=" + one_line(t.paragraph) + "\n";
  props += "category=Data Processing\nurl=https://example.invalid/tml\narchitectures=*\n";
  props += "includes=" + name + ".h\n";
  write_file_atomic(dir / "library.properties", props);
  nlohmann::ordered_json j;
  j["name"] = name;
  j["version"] = TML_VERSION;
  j["description"] = t.sentence;
  j["keywords"] = {"tinyml", "machine-learning", "classifier", "tml"};
  j["authors"] = {{{"name", "tml export"}}};
  j["frameworks"] = "arduino";
  j["platforms"] = "*";
  j["headers"] = name + ".h";
  j["examples"] = {"examples/classify/classify.ino"};
  write_file_atomic(dir / "library.json", j.dump(2) + "\n");
}

// A sibling folder of `target` that no one else uses, for writing before the rename.
fs::path scratch_beside(const fs::path& target) {
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  for (int i = 0; i < 1000; ++i) {
    fs::path p = parent / ("." + target.filename().string() + ".tml-" + std::to_string(::getpid()) + "-" + std::to_string(i));
    if (!fs::exists(p)) return p;
  }
  throw Error("cannot find a temporary folder beside " + target.string());
}

}  // namespace

std::string arduino_library_name(const fs::path& out) {
  fs::path p = out;
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "dir/" names dir
  std::string stem = is_zip(p) ? p.stem().string() : p.filename().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  if (stem.empty() || !std::isalpha(static_cast<unsigned char>(stem[0])))
    throw UsageError("'" + out.string() + "' does not give a library name: it must start with a letter (e.g. gestures_model)");
  return stem;
}

ArduinoLibrary write_arduino_library(const trainer::QModel& model, const fs::path& model_path, const ArduinoLibraryOptions& o) {
  if (o.out.empty()) throw UsageError("--arduino-library needs a folder or a .zip file");
  (void)build_config_header(o.kernels);  // a bad kernel set fails before anything is written
  ArduinoLibrary lib;
  lib.name = arduino_library_name(o.out);
  fs::path out = o.out;
  while (!out.empty() && out.filename().empty()) out = out.parent_path();
  const bool zip_only = is_zip(out);
  if (!zip_only && fs::exists(out) && !fs::is_empty(out) && !fs::exists(out / "src" / "tml_model_library.h"))
    throw Error(out.string() + " exists and is not a library tml made; give a new or empty folder");
  if (!out.parent_path().empty()) fs::create_directories(out.parent_path());

  const fs::path scratch = scratch_beside(out);
  try {
    write_library(scratch, lib.name, model, model_path, o.kernels);
    if (zip_only || o.zip) {
      lib.zip = zip_only ? out : fs::path(out.string() + ".zip");
      write_zip(lib.zip, scratch, lib.name);
    }
    if (!zip_only) {
      fs::remove_all(out);
      fs::rename(scratch, out);
      lib.dir = out;
    } else {
      fs::remove_all(scratch);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    throw;
  }
  return lib;
}

}  // namespace tml::flash
