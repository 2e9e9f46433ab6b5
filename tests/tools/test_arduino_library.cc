// `tml export --arduino-library`: the Arduino library layout (library.properties, src/, examples/), the
// PlatformIO manifest, the zip, and the library's C API running the model on the host. (The example
// sketch compiled against the real Seeed core is tests/e2e/test_wio_build.cc.)
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "flash/arduino_library.h"
#include "reference_models.h"
#include "run_programs.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"
#include "util/process.h"

namespace fs = std::filesystem;
using tml::test::TempDir;

namespace {

tml::trainer::QModel gestures_qmodel() {
  auto m = tml::test::conv1d_model(11);
  m.labels = {"circle", "flick", "idle", "updown"};
  m.mean = {0.5f, -1.0f, 9.8f};
  m.inv_std = {0.25f, 0.5f, 0.125f};
  tml::trainer::QModel q;
  q.blob = tml::trainer::write_model_blob(m);
  q.labels = m.labels;
  q.window = 208;
  q.stride = 52;
  q.rate_hz = 104;
  q.axes = {{"accx", "m/s2"}, {"accy", "m/s2"}, {"accz", "m/s2"}};
  q.sensor = "accelerometer";
  return q;
}

std::map<std::string, std::string> properties(const fs::path& file) {
  std::map<std::string, std::string> p;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    REQUIRE(eq != std::string::npos);
    p[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return p;
}

}  // namespace

TEST_CASE("an exported Arduino library has the Arduino layout and a PlatformIO manifest", "[export][arduino]") {
  TempDir dir;
  const auto lib =
      tml::flash::write_arduino_library(gestures_qmodel(), dir / "gestures.q.model", {dir / "gestures-lib", true});
  CHECK(lib.name == "gestures_lib");
  CHECK(lib.dir == dir / "gestures-lib");
  CHECK(lib.zip == dir / "gestures-lib.zip");

  // library.properties: every field of the Arduino library specification (1.5 format), one line each.
  const auto p = properties(lib.dir / "library.properties");
  for (const char* field : {"name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
                            "architectures", "includes"}) {
    INFO(field);
    REQUIRE(p.count(field) == 1);
    CHECK_FALSE(p.at(field).empty());
  }
  CHECK(p.at("name") == "gestures_lib");
  CHECK(p.at("includes") == "gestures_lib.h");
  CHECK(p.at("architectures") == "*");
  CHECK(p.at("category") == "Data Processing");
  CHECK(p.at("version").find_first_not_of("0123456789.") == std::string::npos);
  CHECK(p.at("sentence").find("circle, flick, idle, updown") != std::string::npos);
  CHECK(p.at("paragraph").find("208 rows of accx (m/s2), accy (m/s2), accz (m/s2) at 104 Hz") != std::string::npos);

  const auto j = nlohmann::json::parse(tml::read_file(lib.dir / "library.json"));
  CHECK(j["name"] == "gestures_lib");
  CHECK(j["frameworks"] == "arduino");
  CHECK(j["headers"] == "gestures_lib.h");
  CHECK(j["version"] == p.at("version"));

  // src/: the header a sketch includes, the API, the model, the whole firmware core; .cc as .cpp.
  for (const char* f :
       {"gestures_lib.h", "tml_model_library.h", "tml_model_library.cpp", "tml_model.h", "tml/classifier.h",
        "tml/model.h", "tml/build_config.h", "core/model.cpp", "core/classifier.cpp", "core/kernels/kernel_set.cpp",
        "core/kernels/reference/pool1d.h", "core/kernels/optimized/conv1d_s8.cpp"}) {
    INFO(f);
    CHECK(fs::is_regular_file(lib.dir / "src" / f));
  }
  for (const auto& e : fs::recursive_directory_iterator(lib.dir)) CHECK(e.path().extension() != ".cc");
  CHECK(tml::read_file(lib.dir / "src" / "gestures_lib.h").find("#include \"tml_model_library.h\"") !=
        std::string::npos);
  CHECK(tml::read_file(lib.dir / "src" / "tml_model.h").find("#define TML_MODEL_WINDOW_ROWS 208u") !=
        std::string::npos);
  // No kernel set is fixed: the optimized one where the DSP extension exists.
  CHECK(tml::read_file(lib.dir / "src" / "tml" / "build_config.h").find("#define TML_KERNELS") == std::string::npos);

  // examples/<name>/<name>.ino: reads a row per sample period, prints label and scores.
  const std::string ino = tml::read_file(lib.dir / "examples" / "classify" / "classify.ino");
  CHECK(ino.find("#include <gestures_lib.h>") != std::string::npos);
  CHECK(ino.find("@LIBRARY@") == std::string::npos);
  for (const char* call : {"tml_begin()", "tml_push_sample(", "tml_ready()", "tml_run()", "tml_label(", "tml_score(",
                           "analogRead(", "Serial.read()"})
    CHECK(ino.find(call) != std::string::npos);

  // The zip holds the same files under the library's name, as the Arduino IDE's Add .ZIP Library wants.
  if (auto unzip = tml::find_program("unzip")) {
    const auto r = tml::test::run({unzip->string(), "-Z1", lib.zip.string()});
    REQUIRE(r.exit_code == 0);
    std::set<std::string> listed;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) listed.insert(l);
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(lib.dir))
      if (e.is_regular_file()) {
        ++files;
        CHECK(listed.count("gestures_lib/" + fs::relative(e.path(), lib.dir).generic_string()) == 1);
      }
    CHECK(listed.size() == files);
    const auto t = tml::test::run({unzip->string(), "-t", lib.zip.string()});
    CHECK(t.exit_code == 0);  // every CRC right
    const auto x = tml::test::run({unzip->string(), "-q", lib.zip.string(), "-d", (dir / "unzipped").string()});
    REQUIRE(x.exit_code == 0);
    CHECK(tml::read_file(dir / "unzipped" / "gestures_lib" / "src" / "tml_model.h") ==
          tml::read_file(lib.dir / "src" / "tml_model.h"));
  } else {
    WARN("unzip is not installed: the zip's contents were not checked");
  }
}

TEST_CASE("an Arduino library can be written as a zip alone and is never written over other files",
          "[export][arduino]") {
  TempDir dir;
  const auto q = gestures_qmodel();
  const auto lib = tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "Wave_2.zip", false});
  CHECK(lib.name == "Wave_2");
  CHECK(lib.dir.empty());
  CHECK(fs::is_regular_file(dir / "Wave_2.zip"));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);  // no folder and no scratch left behind

  fs::create_directories(dir / "notes");
  std::ofstream(dir / "notes" / "todo.txt") << "mine\n";
  CHECK_THROWS_WITH(tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "notes", false}),
                    Catch::Contains("is not a library tml made"));
  CHECK(tml::read_file(dir / "notes" / "todo.txt") == "mine\n");

  // A library tml made is replaced whole.
  tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "lib", false});
  std::ofstream(dir / "lib" / "src" / "stale.cpp") << "int stale;\n";
  tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "lib", false});
  CHECK_FALSE(fs::exists(dir / "lib" / "src" / "stale.cpp"));
  CHECK(fs::exists(dir / "lib" / "library.properties"));

  CHECK_THROWS_AS(tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "9lives", false}), tml::UsageError);
  CHECK(tml::flash::arduino_library_name("out/my model/") == "my_model");
  CHECK_THROWS_AS(tml::flash::write_arduino_library(q, dir / "g.q.model", {dir / "k", false, "fast"}), tml::UsageError);
  CHECK_FALSE(fs::exists(dir / "k"));
}

TEST_CASE("the exported library's API runs the model and refuses rows of the wrong shape", "[export][arduino][slow]") {
  // The library's glue (tml_model_library.cpp) and a sketch-like main, built on the host against the
  // firmware core, warnings as errors.
  TempDir dir;
  const auto lib = tml::flash::write_arduino_library(gestures_qmodel(), dir / "g.q.model", {dir / "gestures", false});
  std::ofstream(dir / "main.cc") << R"(#include <cstdio>
#include "gestures.h"
int main() {
  float row[TML_MODEL_AXIS_COUNT] = {0.5f, -1.0f, 9.8f};
  if (tml_push_sample(row, 3) != TML_ERR_STATE) return 10;  // before tml_begin
  if (tml_begin() != TML_OK) return 11;
  if (tml_push_sample(row, 2) != TML_ERR_SHAPE) return 12;
  for (unsigned r = 0; r < TML_MODEL_WINDOW_ROWS; ++r) {
    if (tml_ready()) return 13;
    row[0] = 0.01f * static_cast<float>(r);
    if (tml_push_sample(row, TML_MODEL_AXIS_COUNT) != TML_OK) return 14;
  }
  if (!tml_ready() || tml_run() != TML_OK) return 15;
  std::printf("%s %.4f\n", tml_label(tml_top()), static_cast<double>(tml_score(tml_top())));
  float sum = 0;
  for (int i = 0; i < static_cast<int>(TML_MODEL_CLASS_COUNT); ++i) sum += tml_score(i);
  std::printf("sum %.2f\n", static_cast<double>(sum));
  return tml_push_window(row, 10, 3) == TML_ERR_SHAPE ? 0 : 16;
}
)";
  const auto cxx = tml::find_program("g++");
  REQUIRE(cxx);
  const auto exe = dir / "api";
  auto c = tml::test::run({cxx->string(), "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-I" + (lib.dir / "src").string(),
                           (dir / "main.cc").string(), (lib.dir / "src" / "tml_model_library.cpp").string(),
                           tml::test::core_library().string(), "-o", exe.string()},
                          300);
  INFO(c.out << c.err);
  REQUIRE(c.exit_code == 0);
  auto r = tml::test::run({exe.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("sum ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(r.out.substr(at + 4)) == Approx(1.0).margin(0.05));  // probabilities of the softmax
  const std::string first = r.out.substr(0, r.out.find(' '));
  CHECK((first == "circle" || first == "flick" || first == "idle" || first == "updown"));
}
