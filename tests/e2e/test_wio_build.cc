// The Wio Terminal firmware as `tml flash --board wio-terminal` stages it, compiled and linked against
// the real Seeed Arduino SAMD core (vendored in the build machines' shared folder, never in the project)
// by its build-wio.sh, which does what `arduino-cli compile --fqbn Seeeduino:samd:seeed_wio_terminal`
// does with the board's default menu options; with WARN=all, so the project's files must compile without
// a warning. For each image: flash and static RAM within the board's limits, and the vector table's
// reset handler and the project's interrupt handlers where the Cortex-M4 will look for them. Also the
// example sketch of an exported Arduino library, and a model trained with --resample 100 on the shipped
// 104 Hz gestures running in the Wio port's device core on the host (the stream check the board makes).
//
// Where the shared folder is absent (a user's clone) the image builds are skipped, saying so.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "run_programs.h"
#include "tml/model.h"
#include "tml/protocol/messages.h"
#include "tml/trainer/resample.h"
#include "util/atomic_file.h"
#include "util/process.h"

namespace fs = std::filesystem;
using tml::test::run_tml;
using tml::test::TempDir;

namespace {

constexpr unsigned kMaxFlash = 507904;            // boards.txt: seeed_wio_terminal.upload.maximum_size
constexpr unsigned kRam = 196608;                 // 192 KB
constexpr unsigned kMaxStaticRam = kRam - 65536;  // leaves 64 KB for stack and heap

struct WioCore {
  fs::path script;  // build-wio.sh
  fs::path vendor;  // seeed-wio-terminal/
};

std::optional<WioCore> wio_core() {
  const fs::path shared = tml::test::shared_dir();
  if (shared.empty()) return std::nullopt;
  WioCore c{shared / "tools" / "build-wio.sh", shared / "vendor" / "seeed-wio-terminal"};
  if (!fs::is_regular_file(c.script) || !fs::is_regular_file(c.vendor / "seeed" / "cores" / "arduino" / "Arduino.h"))
    return std::nullopt;
  return c;
}

// PATH for build-wio.sh: ccache in front of the cross compilers when it is installed, so the Seeed core's
// 45 files are compiled once per machine and reused by every image (the core's objects do not depend on
// what is staged).
std::string build_path(const fs::path& dir) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  const auto ccache = tml::find_program("ccache");
  if (!ccache) return path;
  const fs::path bin = dir / "ccache-bin";
  fs::create_directories(bin);
  for (const char* tool : {"arm-none-eabi-gcc", "arm-none-eabi-g++"}) {
    const auto real = tml::find_program(tool);
    if (!real) return path;
    std::ofstream(bin / tool) << "#!/bin/sh\nCCACHE_NOHASHDIR=1 exec " << ccache->string() << " " << real->string() << " \"$@\"\n";
    fs::permissions(bin / tool, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  }
  return bin.string() + ":" + path;
}

// The folder tml flash stages (in a dry run, which stages but builds and uploads nothing).
fs::path stage(const fs::path& dir, const std::string& kernels, const fs::path& model) {
  std::vector<std::string> args = {"flash", "--board", "wio-terminal", "--port", "/dev/ttyACM0", "--dry-run",
                                   "--build-dir", dir.string(), "--kernels", kernels};
  if (!model.empty()) args.insert(args.end(), {"--model", model.string()});
  const auto r = run_tml(args, 60);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find("  sketch " + (dir / "tml_wio").string()) != std::string::npos);
  return dir;
}

std::map<std::string, std::pair<uint32_t, char>> symbols(const fs::path& file) {  // name -> (address, nm type)
  const auto r = tml::test::run({"arm-none-eabi-nm", "--defined-only", file.string()});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::pair<uint32_t, char>> out;
  std::istringstream in(r.out);
  std::string addr, type, name;
  while (in >> addr >> type >> name) out[name] = {static_cast<uint32_t>(std::stoul(addr, nullptr, 16)), type[0]};
  return out;
}

// The first `count` words of the .elf's contents at `address` (from the section holding it).
std::vector<uint32_t> words_at(const fs::path& elf, uint32_t address, size_t count) {
  const auto r = tml::test::run({"arm-none-eabi-readelf", "-S", "-W", elf.string()});
  REQUIRE(r.exit_code == 0);
  const std::regex row(R"(\]\s+(\S+)\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+))");
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    const uint32_t addr = static_cast<uint32_t>(std::stoul(m[2].str(), nullptr, 16));
    const uint32_t off = static_cast<uint32_t>(std::stoul(m[3].str(), nullptr, 16));
    const uint32_t size = static_cast<uint32_t>(std::stoul(m[4].str(), nullptr, 16));
    if (address < addr || address + count * 4 > addr + size) continue;
    const std::string bytes = tml::read_file(elf);
    std::vector<uint32_t> w(count);
    REQUIRE(off + (address - addr) + count * 4 <= bytes.size());
    std::memcpy(w.data(), bytes.data() + off + (address - addr), count * 4);
    return w;
  }
  FAIL("no section of " << elf.string() << " holds address " << address);
  return {};
}

// IRQ numbers of the ATSAMD51P19A, from the vendored CMSIS device header: "DMAC_0" -> 31.
std::map<std::string, int> irq_numbers(const WioCore& core) {
  const auto header = core.vendor / "cmsis-atmel" / "CMSIS-Atmel" / "CMSIS" / "Device" / "ATMEL" / "samd51" / "include" / "samd51p19a.h";
  const std::string text = tml::read_file(header);
  std::map<std::string, int> out;
  const std::regex re(R"(\b(\w+)_IRQn\s*=\s*(-?\d+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out[(*it)[1].str()] = std::stoi((*it)[2].str());
  return out;
}

struct Image {
  unsigned flash = 0, ram = 0;
};

// Builds a staged folder with build-wio.sh and checks the image; returns its sizes.
// `kernels`: the set the image must run ("" = not checked).
Image build_and_check(const WioCore& core, const fs::path& staged, const fs::path& out, const std::string& what,
                      const std::vector<std::string>& own_handlers, const std::string& kernels) {
  const auto r = tml::test::run({"env", "PATH=" + build_path(out.parent_path()), "WARN=all", "JOBS=2", core.script.string(),
                                 staged.string(), out.string()},
                                900);
  INFO(what << ":\n" << r.out.substr(r.out.size() > 6000 ? r.out.size() - 6000 : 0) << r.err);
  REQUIRE(r.exit_code == 0);

  // No warning in the project's files (the Seeed core has its own).
  std::istringstream lines(r.out);
  std::vector<std::string> ours;
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("---- warnings: sketch.o/", 0) == 0 || l.rfind("---- warnings: libraries/tml/", 0) == 0) ours.push_back(l);
  CHECK(ours.empty());

  Image img;
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(Flash: (\d+) bytes)")));
  img.flash = static_cast<unsigned>(std::stoul(m[1].str()));
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(RAM: +(\d+) bytes static)")));
  img.ram = static_cast<unsigned>(std::stoul(m[1].str()));
  std::printf("Wio Terminal image, %s: flash %u B of %u, static RAM %u B of %u\n", what.c_str(), img.flash, kMaxFlash, img.ram,
              kRam);
  CHECK(img.flash <= kMaxFlash);
  CHECK(img.ram <= kMaxStaticRam);

  // The vector table (the core's exception_table at the start of the application): the reset handler is
  // the core's Reset_Handler, and each interrupt handler the sketch defines is the one in its slot, not
  // the core's weak Dummy_Handler.
  const fs::path elf = out / "tml_wio.ino.elf";
  const auto sym = symbols(elf);
  REQUIRE(sym.count("exception_table") == 1);
  REQUIRE(sym.count("Dummy_Handler") == 1);
  const auto irqs = irq_numbers(core);
  const auto table = words_at(elf, sym.at("exception_table").first, 16 + 137);
  CHECK(sym.at("exception_table").first == 0x4000u);  // after the 16 KB UF2 bootloader
  REQUIRE(sym.count("Reset_Handler") == 1);
  CHECK(sym.at("Reset_Handler").second == 'T');
  CHECK(table[1] == (sym.at("Reset_Handler").first | 1u));
  CHECK(symbols(out / "core" / "cortex_handlers.c.o").count("Reset_Handler") == 1);
  std::set<std::string> defined;
  for (const auto& e : fs::directory_iterator(out / "sketch.o"))
    if (e.path().extension() == ".o")
      for (const auto& [name, at] : symbols(e.path()))
        if (name.size() > 8 && name.compare(name.size() - 8, 8, "_Handler") == 0 && at.second == 'T') defined.insert(name);
  CHECK(defined == std::set<std::string>(own_handlers.begin(), own_handlers.end()));
  for (const auto& h : own_handlers) {
    INFO(h);
    const std::string irq = h.substr(0, h.size() - 8);
    REQUIRE(irqs.count(irq) == 1);
    REQUIRE(sym.count(h) == 1);
    CHECK(sym.at(h).second == 'T');
    CHECK(sym.at(h).first != sym.at("Dummy_Handler").first);
    CHECK(table[16 + irqs.at(irq)] == (sym.at(h).first | 1u));
  }
  // The microphone's timer runs the ADC through the event system: no TC3 interrupt is taken.
  CHECK(table[16 + irqs.at("TC3")] == (sym.at("Dummy_Handler").first | 1u));
  // The kernel set the staged build configuration chose is the one linked (--gc-sections drops the other).
  if (!kernels.empty()) {
    const std::string other = kernels == "optimized" ? "_ref" : "_opt";
    const std::string mine = kernels == "optimized" ? "_opt" : "_ref";
    CHECK(sym.count("tml_conv1d_s8" + mine) == 1);
    CHECK(sym.count("tml_fully_connected_s8" + mine) == 1);
    CHECK(sym.count("tml_conv1d_s8" + other) == 0);
    CHECK(sym.count("tml_fully_connected_s8" + other) == 0);
  }
  return img;
}

const std::vector<std::string> kPortHandlers = {"DMAC_0_Handler"};  // the microphone's DMA

fs::path train_header(const fs::path& dir, const std::string& preset, const std::string& dataset, int epochs,
                      const std::vector<std::string>& extra = {}) {
  fs::create_directories(dir);
  const fs::path header = dir / (preset + "_model.h");
  std::vector<std::string> args = {"train", "--dataset", dataset, "--model", preset, "--epochs", std::to_string(epochs), "--seed", "3",
                                   "--header", header.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_tml(args, 600);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return header;
}

#define SKIP_WITHOUT_WIO_CORE(core)                                                                               \
  if (!(core)) {                                                                                                  \
    WARN("skipped: no vendored Seeed Wio Terminal core and build-wio.sh (the shared folder; TML_SHARED_DIR)"); \
    return;                                                                                                       \
  }

}  // namespace

TEST_CASE("the staged Wio Terminal firmware without a model links with both kernel sets", "[e2e][wio][slow]") {
  const auto core = wio_core();
  SKIP_WITHOUT_WIO_CORE(core);
  TempDir dir;
  for (const std::string kernels : {"optimized", "reference"}) {
    const auto staged = stage(dir / ("stage-" + kernels), kernels, "");
    build_and_check(*core, staged, dir / ("out-" + kernels), "no model, " + kernels + " kernels", kPortHandlers, kernels);
  }
}

namespace {

struct StreamCheck {
  std::string out;
  uint32_t rate_millihz = 0, hash = 0, flags = 0;
  int start_status = 1;
  std::vector<std::pair<uint32_t, std::vector<int8_t>>> predictions;  // first index, scores
};

// Builds tests/e2e/wio_stream_check (the Wio port on the host, its hardware faked) with `header` as the
// sketch's model and replays `raw` accelerometer rows through the LIS3DH's FIFO.
StreamCheck stream_check(const fs::path& dir, const fs::path& header, const std::vector<std::array<int16_t, 3>>& raw) {
  const fs::path src = tml::test::source_dir();
  const fs::path inc = dir / "sketch";
  fs::create_directories(inc);
  fs::copy_file(header, inc / "tml_model.h", fs::copy_options::overwrite_existing);
  std::ofstream(inc / "tml_config.h") << "#pragma once\n#define TML_WITH_MODEL 1\n";
  const auto cxx = tml::find_program("g++");
  REQUIRE(cxx);
  const fs::path exe = dir / "wio_stream_check";
  const auto c = tml::test::run({cxx->string(), "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-fno-exceptions", "-fno-rtti",
                                 "-I" + inc.string(), "-I" + (src / "firmware" / "ports" / "wio_terminal" / "tml_wio").string(),
                                 "-I" + (src / "firmware" / "include").string(),
                                 (src / "tests" / "e2e" / "wio_stream_check" / "main.cc").string(),
                                 (src / "firmware" / "ports" / "wio_terminal" / "tml_wio" / "wio_port.cpp").string(),
                                 tml::test::core_library().string(), "-o", exe.string()},
                                300);
  INFO(c.out << c.err);
  REQUIRE(c.exit_code == 0);
  {
    std::ofstream rows(dir / "rows.txt");
    for (const auto& r : raw) rows << r[0] << ' ' << r[1] << ' ' << r[2] << '\n';
  }
  const auto r = tml::test::run({exe.string(), (dir / "rows.txt").string()}, 120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  StreamCheck s;
  s.out = r.out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    unsigned sensor = 0, rate = 0, flags = 0, hash = 0, type = 0, first = 0, top = 0;
    int status = 0;
    char scores[256] = {};
    if (std::sscanf(line.c_str(), "session sensor=%u rate_millihz=%u flags=%u hash=%x", &sensor, &rate, &flags, &hash) == 4) {
      s.rate_millihz = rate;
      s.flags = flags;
      s.hash = hash;
    } else if (std::sscanf(line.c_str(), "ack type=%u status=%d", &type, &status) == 2 && type == TML_MSG_START) {
      s.start_status = status;
    } else if (std::sscanf(line.c_str(), "prediction first=%u top=%u scores=%255s", &first, &top, scores) == 3) {
      std::vector<int8_t> v;
      std::istringstream list(scores);
      for (std::string item; std::getline(list, item, ',');) v.push_back(static_cast<int8_t>(std::stoi(item)));
      s.predictions.emplace_back(first, v);
    }
  }
  return s;
}

// A test recording of the shipped gestures at `rate_hz`, as raw LIS3DH counts (m/s2 / the port's scale).
std::vector<std::array<int16_t, 3>> gesture_counts(double rate_hz, std::string* label) {
  auto set = tml::pipeline::read_recordings(tml::test::example_gestures());
  tml::trainer::resample_recordings(set, rate_hz);
  for (const auto& rec : set.recordings) {
    if (rec.split != tml::trainer::Split::Test) continue;
    *label = set.labels[rec.label];
    const float scale = 2.0e-3f / 16.0f * 9.80665f;  // wio_lis3dh_scale()
    std::vector<std::array<int16_t, 3>> out;
    for (int r = 0; r < rec.rows; ++r) {
      std::array<int16_t, 3> row;
      for (int a = 0; a < 3; ++a)
        row[a] = static_cast<int16_t>(std::clamp(std::lround(rec.values[r * 3 + a] / scale), -32768l, 32767l));
      out.push_back(row);
    }
    return out;
  }
  FAIL("no test recording");
  return {};
}

// The host's scores for the window starting at `first`: the rows as the board holds them (raw * scale in
// float), through the same runner.
std::vector<int8_t> host_scores(const tml::trainer::ExportedHeader& h, const std::vector<std::array<int16_t, 3>>& raw, uint32_t first) {
  std::vector<uint32_t> words((h.blob.size() + 3) / 4);
  std::memcpy(words.data(), h.blob.data(), h.blob.size());
  tml_model m;
  REQUIRE(tml_model_init(&m, reinterpret_cast<const uint8_t*>(words.data()), h.blob.size()) == TML_OK);
  std::vector<uint32_t> arena(tml_model_arena_size(&m) / 4 + 1);
  std::vector<float> window;
  const float scale = 2.0e-3f / 16.0f * 9.80665f;
  for (uint32_t r = first; r < first + h.window_rows; ++r)
    for (int a = 0; a < 3; ++a) window.push_back(static_cast<float>(raw[r][a]) * scale);
  REQUIRE(tml_model_prepare_input(&m, window.data(), window.size(), tml_model_input(&m, arena.data())) == TML_OK);
  REQUIRE(tml_model_run(&m, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
  const int8_t* out = tml_model_output(&m, arena.data());
  return std::vector<int8_t>(out, out + h.class_count);
}

}  // namespace

TEST_CASE("a conv1d model trained with --resample 100 on the shipped gestures streams on the Wio port and links", "[e2e][wio][slow]") {
  TempDir dir;
  const fs::path header = train_header(dir.path(), "conv1d", tml::test::example_gestures().string(), 4, {"--resample", "100"});
  const auto h = tml::pipeline::read_model_header(header);
  CHECK(h.info.rate_millihz == 100000);
  CHECK(h.window_rows == 200);  // the default 2 s window, at 100 Hz
  CHECK(h.info.stride_rows == 50);

  // The Wio port's device core on the host, the LIS3DH faked at the rate the port picks (100 Hz for a
  // 100 Hz model): the board accepts the model's stream and predicts every window as the host does.
  std::string label;
  const auto raw = gesture_counts(100, &label);
  REQUIRE(raw.size() == 1000);  // 1040 rows at 104 Hz
  const StreamCheck s = stream_check(dir / "check", header, raw);
  INFO(s.out);
  CHECK(s.rate_millihz == 100000);
  CHECK(s.hash == h.hash);
  CHECK((s.flags & TML_SESSION_FLAG_INFERENCE) != 0);
  CHECK(s.start_status == TML_OK);
  CHECK(s.out.find("trained on another") == std::string::npos);
  REQUIRE(s.predictions.size() == (1000 - 200) / 50 + 1);
  int agree = 0;
  for (size_t i = 0; i < s.predictions.size(); ++i) {
    CHECK(s.predictions[i].first == i * 50);
    CHECK(s.predictions[i].second == host_scores(h, raw, s.predictions[i].first));
    int top = 0;
    for (size_t c = 1; c < s.predictions[i].second.size(); ++c)
      if (s.predictions[i].second[c] > s.predictions[i].second[top]) top = static_cast<int>(c);
    agree += h.labels[top] == label;
  }
  std::printf("Wio port stream check: %zu windows of a '%s' test recording, %d classified '%s'\n", s.predictions.size(),
              label.c_str(), agree, label.c_str());

  // The control: the same training without --resample gives a 104 Hz model, which the port refuses (its
  // LIS3DH has no 104 Hz rate).
  const fs::path header104 = train_header(dir / "r104", "dense", tml::test::example_gestures().string(), 1);
  const StreamCheck refused = stream_check(dir / "check104", header104, raw);
  INFO(refused.out);
  CHECK(refused.rate_millihz == 100000);
  CHECK(refused.start_status == TML_ERR_UNSUPPORTED);
  CHECK(refused.out.find("the model was trained on another sensor, axis count or sample rate") != std::string::npos);
  CHECK(refused.predictions.empty());

  const auto core = wio_core();
  SKIP_WITHOUT_WIO_CORE(core);
  for (const std::string kernels : {"optimized", "reference"}) {
    const auto staged = stage(dir / ("stage-" + kernels), kernels, header);
    CHECK(fs::is_regular_file(staged / "tml_wio" / "tml_model.h"));
    build_and_check(*core, staged, dir / ("out-" + kernels), "conv1d model, " + kernels + " kernels", kPortHandlers, kernels);
  }
}

TEST_CASE("a dense model from a dataset imported with --resample 100 links into the Wio firmware and an Arduino library", "[e2e][wio][slow]") {
  TempDir dir;
  const fs::path ds = dir / "gestures100";
  auto r = run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", ds.string(), "--resample", "100"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("at 100 Hz, f32 (resampled from 104 Hz)") != std::string::npos);
  auto info = run_tml({"dataset", "info", ds.string(), "--json"});
  REQUIRE(info.exit_code == 0);
  CHECK(info.out.find("\"rate_hz\": 100.0") != std::string::npos);
  CHECK(info.out.find("\"min_rows\": 1000") != std::string::npos);

  r = run_tml({"train", "--dataset", ds.string(), "--model", "dense", "--epochs", "4", "--seed", "3", "--out", (dir / "d.model").string(),
               "--quiet"},
              600);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  r = run_tml({"quantize", "--model", (dir / "d.model").string(), "--dataset", ds.string(), "--out", (dir / "d.q.model").string()}, 300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path library = dir / "gestures_dense";
  r = run_tml({"export", "--model", (dir / "d.q.model").string(), "--out", (dir / "dense_model.h").string(), "--arduino-library",
               library.string(), "--zip"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Wrote the Arduino library gestures_dense to " + library.string() + " and " + library.string() + ".zip") !=
        std::string::npos);
  CHECK(fs::is_regular_file(library / "library.properties"));
  CHECK(fs::is_regular_file(library / "examples" / "classify" / "classify.ino"));

  const auto core = wio_core();
  SKIP_WITHOUT_WIO_CORE(core);
  for (const std::string kernels : {"optimized", "reference"}) {
    const auto staged = stage(dir / ("stage-" + kernels), kernels, dir / "dense_model.h");
    build_and_check(*core, staged, dir / ("out-" + kernels), "dense model, " + kernels + " kernels", kPortHandlers, kernels);
  }
  // The library's example as arduino-cli builds a sketch from the installed library: build-wio.sh takes
  // the sketch from tml_wio/ and the library from libraries/tml/, so both are copied there as they are.
  const fs::path ex = dir / "example";
  fs::create_directories(ex / "tml_wio");
  fs::copy_file(library / "examples" / "classify" / "classify.ino", ex / "tml_wio" / "tml_wio.ino");
  fs::create_directories(ex / "libraries");
  fs::copy(library, ex / "libraries" / "tml", fs::copy_options::recursive);
  build_and_check(*core, ex, dir / "out-example", "exported library's example (dense model)", {}, "optimized");
}
