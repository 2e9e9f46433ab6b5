// Flashing a model into the emulated board and running it live: the board's predictions for every window
// must equal the host's int8 predictions for the same rows, scores bit for bit. Also the Wio Terminal's
// flash steps (dry run, missing tools, failed upload) and boards that answer with the wrong model.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reference_models.h"
#include "run_programs.h"
#include "tml/model.h"
#include "tml/trainer/model_header.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

// A conv1d reference-shaped model (random weights) for the shipped gestures: accelerometer, 104 Hz.
std::filesystem::path write_header(const TempDir& dir, const std::string& name, uint32_t seed, uint32_t* hash = nullptr) {
  const auto blob = tml::trainer::write_model_blob(tml::test::conv1d_model(seed));
  tml::trainer::HeaderInfo info;
  info.source = name;
  info.sensor = 1;
  info.rate_millihz = 104000;
  info.stride_rows = 52;
  info.axes = {"accx", "accy", "accz"};
  const auto path = dir / name;
  std::ofstream(path) << tml::trainer::model_header(blob, info);
  if (hash) {
    tml_model m;
    REQUIRE(tml_model_init(&m, blob.data(), blob.size()) == TML_OK);
    *hash = m.header.hash;
  }
  return path;
}

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

}  // namespace

TEST_CASE("a model flashed into the emulated board predicts exactly what the host predicts", "[e2e][flash]") {
  TempDir dir;
  uint32_t hash = 0;
  const auto header = write_header(dir, "model_a.h", 21, &hash);
  auto f = run_tml({"flash", "--board", "sim", "--model", header.string()}, 300);
  INFO(f.out << f.err);
  REQUIRE(f.exit_code == 0);
  CHECK(f.out.find("It runs model " + hex(hash)) != std::string::npos);
  CHECK(std::filesystem::exists(tml::test::tml_state_dir() / "sim" / "firmware.elf"));

  const auto json = dir / "run.json";
  auto r = run_tml({"run", "--port", "sim", "--model", header.string(), "--verify", "--sim-split", "test", "--sim-fast",
                    "--seconds", "30", "--json", json.string(), "--quiet"}, 300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const int windows = (30 * 104 - 208) / 52 + 1;
  CHECK(r.out.find(std::to_string(windows) + " predictions") != std::string::npos);
  CHECK(r.out.find("Board vs host: " + std::to_string(windows) + " of " + std::to_string(windows) + " windows identical") !=
        std::string::npos);
  const auto j = nlohmann::json::parse(tml::read_file(json));
  REQUIRE(j["predictions"].size() == static_cast<size_t>(windows));
  for (const auto& p : j["predictions"]) {
    CHECK(p["host_agrees"] == true);
    CHECK(p["cost"].get<uint32_t>() > 10000);  // instructions of one inference under -icount
  }
  CHECK(j["model_hash"] == hex(hash));

  SECTION("a board running another model is refused by name") {
    uint32_t other = 0;
    const auto header_b = write_header(dir, "model_b.h", 22, &other);
    auto w = run_tml({"run", "--port", "sim", "--model", header_b.string(), "--seconds", "3", "--sim-fast"});
    CHECK(w.exit_code == 1);
    CHECK(w.err.find("runs model " + hex(hash) + ", not " + hex(other)) != std::string::npos);
  }
  SECTION("after erasing, the emulated board runs no model") {
    REQUIRE(run_tml({"flash", "--board", "sim", "--erase"}).exit_code == 0);
    auto n = run_tml({"run", "--port", "sim", "--seconds", "3", "--sim-fast"});
    CHECK(n.exit_code == 1);
    CHECK(n.err.find("runs no model") != std::string::npos);
  }
}

TEST_CASE("flashing the Wio Terminal: every command in a dry run", "[e2e][flash][wio]") {
  TempDir dir;
  const auto header = write_header(dir, "wio_model.h", 3);
  const auto build = dir / "wio-build";
  auto r = run_tml({"flash", "--board", "wio-terminal", "--model", header.string(), "--port", "/dev/ttyACM0", "--dry-run",
                    "--build-dir", build.string()},
                   60, {"PATH=/usr/bin:/bin"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("arduino-cli compile --fqbn Seeeduino:samd:seeed_wio_terminal --libraries " + (build / "libraries").string()) !=
        std::string::npos);
  CHECK(r.out.find("open /dev/ttyACM0 at 1200 baud") != std::string::npos);
  CHECK(r.out.find("bossac -i -d '--port=<the bootloader port>' -U -i --offset=0x4000 -w -v " +
                   (build / "out" / "tml_wio.ino.bin").string() + " -R") != std::string::npos);
  CHECK(r.out.find("(NOT INSTALLED)") != std::string::npos);
  // A dry run runs nothing but stages the folder, and says where, so it can be opened or built by hand.
  CHECK(r.out.find("1. Staged the sketch and the tml library (optimized kernels, model " + header.string() + ") in " +
                   build.string()) != std::string::npos);
  CHECK(r.out.find("  sketch " + (build / "tml_wio").string() + "\n") != std::string::npos);
  CHECK(std::filesystem::exists(build / "tml_wio" / "tml_model.h"));
  CHECK(std::filesystem::exists(build / "libraries" / "tml" / "src" / "core" / "kernels" / "reference" / "pool1d.h"));
  CHECK_FALSE(std::filesystem::exists(build / "out"));  // nothing was built

  auto pio = run_tml({"flash", "--board", "wio-terminal", "--port", "/dev/ttyACM0", "--dry-run", "--builder", "platformio",
                      "--build-dir", build.string(), "--kernels", "reference"});
  CHECK(pio.exit_code == 0);
  CHECK(pio.out.find("(reference kernels, no model)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(build / "tml_wio" / "tml_model.h"));  // restaged without the model
  CHECK(tml::read_file(build / "libraries" / "tml" / "src" / "tml" / "build_config.h").find("#define TML_KERNELS_REFERENCE 1") !=
        std::string::npos);
  auto bad = run_tml({"flash", "--board", "wio-terminal", "--port", "/dev/ttyACM0", "--dry-run", "--kernels", "fast",
                      "--build-dir", build.string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--kernels must be reference or optimized") != std::string::npos);
  CHECK(pio.out.find("pio run --project-dir " + build.string() + " --environment seeed_wio_terminal") != std::string::npos);
}

TEST_CASE("flashing the Wio Terminal fails clearly without its tools or when the upload breaks", "[e2e][flash][wio]") {
  TempDir dir;
  const auto header = write_header(dir, "wio_model.h", 4);
  SECTION("neither arduino-cli nor PlatformIO") {
    auto r = run_tml({"flash", "--board", "wio-terminal", "--model", header.string(), "--port", "/dev/ttyACM0", "--build-dir",
                      (dir / "b").string()},
                     60, {"PATH=/usr/bin:/bin"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("neither arduino-cli nor PlatformIO (pio) is installed") != std::string::npos);
  }
  SECTION("the board disappears during the upload") {
    // Stand-ins: an arduino-cli that builds an image, and a bossac that loses the board half way.
    const auto bin = dir / "bin";
    std::filesystem::create_directories(bin);
    std::ofstream(bin / "arduino-cli") << "#!/bin/sh\n"
                                          "while [ $# -gt 0 ]; do [ \"$1\" = --output-dir ] && out=$2; shift; done\n"
                                          "mkdir -p \"$out\" && echo image > \"$out/tml_wio.ino.bin\"\n";
    std::ofstream(bin / "bossac") << "#!/bin/sh\necho 'Write 12345 bytes to flash (191 pages)'\n"
                                     "echo 'SAM-BA operation failed' >&2\nexit 1\n";
    std::filesystem::permissions(bin / "arduino-cli", std::filesystem::perms::owner_all);
    std::filesystem::permissions(bin / "bossac", std::filesystem::perms::owner_all);
    auto r = run_tml({"flash", "--board", "wio-terminal", "--model", header.string(), "--bootloader-port", "/dev/ttyACM9",
                      "--build-dir", (dir / "b").string()},
                     60, {"PATH=" + bin.string() + ":/usr/bin:/bin"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("the upload failed (bossac exit 1); the board may have been unplugged") != std::string::npos);
    CHECK(r.err.find("SAM-BA operation failed") != std::string::npos);
    // The staged sketch holds the model and the library the Arduino builders expect.
    CHECK(std::filesystem::exists(dir / "b" / "tml_wio" / "tml_model.h"));
    CHECK(std::filesystem::exists(dir / "b" / "libraries" / "tml" / "library.properties"));
    CHECK(std::filesystem::exists(dir / "b" / "libraries" / "tml" / "src" / "core" / "device.cpp"));
    CHECK(std::filesystem::exists(dir / "b" / "libraries" / "tml" / "src" / "core" / "kernels" / "kernel_set.cpp"));
    // Internal headers travel with their sources.
    CHECK(std::filesystem::exists(dir / "b" / "libraries" / "tml" / "src" / "core" / "features" / "front_end.h"));
    CHECK(std::filesystem::exists(dir / "b" / "libraries" / "tml" / "src" / "core" / "features" / "audio.cpp"));
    CHECK(tml::read_file(dir / "b" / "tml_wio" / "tml_config.h").find("#define TML_WITH_MODEL 1") != std::string::npos);
  }
}

TEST_CASE("the Wio Terminal port with a model compiles for Cortex-M4", "[e2e][flash][wio]") {
  TempDir dir;
  const auto header = write_header(dir, "tml_model.h", 5);
  std::ofstream(dir / "tml_config.h") << "#pragma once\n#define TML_WITH_MODEL 1\n";
  const auto port = tml::test::source_dir() / "firmware" / "ports" / "wio_terminal" / "tml_wio";
  auto r = tml::test::run({"arm-none-eabi-g++", "-std=c++17", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                           "-mfpu=fpv4-sp-d16", "-fno-exceptions", "-fno-rtti", "-Os", "-Wall", "-Wextra", "-Werror",
                           "-I" + dir.path().string(), "-I" + port.string(),
                           "-I" + (tml::test::source_dir() / "firmware" / "include").string(), "-c",
                           (port / "wio_port.cpp").string(), "-o", (dir / "wio_port.o").string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("a board that does not answer is reported clearly", "[e2e][flash]") {
  TempDir dir;
  const auto header = write_header(dir, "m.h", 6);
  auto r = run_tml({"run", "--port", "tcp://127.0.0.1:1", "--model", header.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot connect to tcp://127.0.0.1:1") != std::string::npos);
}
