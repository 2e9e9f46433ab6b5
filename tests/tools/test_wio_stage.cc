// What `tml flash --board wio-terminal` stages for the Arduino builders: every firmware file, each where
// the sources' #include lines find it, and the kernel set fixed in tml/build_config.h. (Whether it compiles
// and links against the real Seeed core is tests/e2e/test_wio_build.cc.)
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "flash/firmware_sources.h"
#include "flash/wio_stage.h"
#include "test_support.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using tml::test::TempDir;

namespace {

// Every regular, non-hidden file under `root`, relative to it, found here independently of the stager.
std::set<fs::path> files_under(const fs::path& root) {
  std::set<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.insert(fs::relative(e.path(), root));
  return out;
}

}  // namespace

TEST_CASE("the Wio Terminal staging holds every firmware source and header where its includes find it", "[flash][wio]") {
  TempDir dir;
  const fs::path source = tml::test::source_dir();
  const auto staged = tml::flash::stage_wio(dir.path(), source, "", "optimized");
  const fs::path src = staged.library / "src";

  // Every file of firmware/src (.cc as .cpp, the only C++ extension arduino-cli compiles) and of
  // firmware/include, byte for byte.
  const auto firmware_src = files_under(source / "firmware" / "src");
  const auto firmware_include = files_under(source / "firmware" / "include");
  REQUIRE(firmware_src.count("kernels/reference/pool1d.h") == 1);  // the files an earlier stager left out
  REQUIRE(firmware_src.count("kernels/kernel_set.cc") == 1);
  REQUIRE(firmware_src.count("kernels/optimized/conv1d_s8.cc") == 1);
  for (const auto& f : firmware_src) {
    fs::path to = "core" / f;
    if (to.extension() == ".cc") to.replace_extension(".cpp");
    INFO(f.string());
    REQUIRE(fs::is_regular_file(src / to));
    CHECK(tml::read_file(src / to) == tml::read_file(source / "firmware" / "src" / f));
  }
  for (const auto& f : firmware_include) {
    INFO(f.string());
    REQUIRE(fs::is_regular_file(src / f));
    if (f != fs::path("tml/build_config.h")) CHECK(tml::read_file(src / f) == tml::read_file(source / "firmware" / "include" / f));
  }
  // Nothing else but the library's own header, and no .cc left for a builder to skip.
  const auto staged_files = files_under(src);
  CHECK(staged_files.size() == firmware_src.size() + firmware_include.size() + 1);
  for (const auto& f : staged_files) CHECK(f.extension() != ".cc");
  // The stager's list is the same set.
  CHECK(tml::flash::firmware_core_files(source).size() == firmware_src.size() + firmware_include.size());

  // Every #include "..." of the library and the sketch resolves as a compiler does: beside the including
  // file, else in the library's src/ (the include path arduino-cli gives), else (the sketch) in the sketch.
  const std::regex include_re("^\\s*#\\s*include\\s+\"([^\"]+)\"");
  int includes = 0;
  for (const fs::path& root : {src, staged.sketch})
    for (const auto& f : files_under(root)) {
      std::ifstream in(root / f);
      std::string line;
      while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, include_re)) continue;
        const std::string name = m[1].str();
        if (name == "tml_model.h") continue;  // only with a model (and then staged: the next test)
        ++includes;
        const bool found = fs::exists((root / f).parent_path() / name) || fs::exists(src / name) || fs::exists(staged.sketch / name);
        INFO((root / f).string() << " includes \"" << name << "\"");
        CHECK(found);
      }
    }
  CHECK(includes > 30);

  // The sketch: the port's files and the generated configuration.
  for (const char* f : {"tml_wio.ino", "wio_port.cpp", "wio_port.h", "wio_hw.h", "wio_hw_arduino.cpp", "tml_config.h"})
    CHECK(fs::is_regular_file(staged.sketch / f));
  CHECK_FALSE(fs::exists(staged.sketch / "tml_model.h"));
  CHECK(tml::read_file(staged.sketch / "tml_config.h").find("TML_WITH_MODEL") == std::string::npos);
  CHECK(fs::is_regular_file(staged.library / "library.properties"));
}

TEST_CASE("the staged build configuration fixes the kernel set the runner calls", "[flash][wio]") {
  TempDir dir;
  const fs::path source = tml::test::source_dir();
  std::ofstream(dir / "m.h") << "// a model header\n";
  auto staged = tml::flash::stage_wio(dir / "stage", source, dir / "m.h", "reference");
  const std::string ref = tml::read_file(staged.library / "src" / "tml" / "build_config.h");
  CHECK(ref.find("#define TML_KERNELS_REFERENCE 1") != std::string::npos);
  CHECK(ref.find("TML_KERNELS_OPTIMIZED 1") == std::string::npos);
  CHECK(tml::read_file(staged.sketch / "tml_model.h") == "// a model header\n");
  CHECK(tml::read_file(staged.sketch / "tml_config.h").find("#define TML_WITH_MODEL 1") != std::string::npos);

  // Staging again replaces what was there: no model left behind, the other kernel set.
  staged = tml::flash::stage_wio(dir / "stage", source, "", "optimized");
  const std::string opt = tml::read_file(staged.library / "src" / "tml" / "build_config.h");
  CHECK(opt.find("#define TML_KERNELS_OPTIMIZED 1") != std::string::npos);
  CHECK(opt.find("TML_KERNELS_REFERENCE 1") == std::string::npos);
  CHECK_FALSE(fs::exists(staged.sketch / "tml_model.h"));

  // The staged kernel_set.cpp reads it; the CMake build's copy defines nothing.
  CHECK(tml::read_file(staged.library / "src" / "core" / "kernels" / "kernel_set.cpp").find("#include \"tml/build_config.h\"") !=
        std::string::npos);
  CHECK(tml::read_file(source / "firmware" / "include" / "tml" / "build_config.h").find("#define TML_KERNELS") == std::string::npos);
  CHECK(tml::flash::build_config_header("auto").find("#define TML_KERNELS") == std::string::npos);
  CHECK_THROWS_AS(tml::flash::stage_wio(dir / "bad", source, "", "fast"), tml::UsageError);
  CHECK_FALSE(fs::exists(dir / "bad"));
}
