// Board benchmark of the int8 kernels: instructions per inference of the two reference models on the
// emulated Cortex-M4, layer by layer, with the reference and the optimized kernel set, beside CMSIS-NN's
// figures for the same shapes; and the code size of the runner plus kernels of each set.
//
//   build/bench/bench_kernels [--images DIR] [--keep]
//
// --images: where the board images are (default: this build's firmware); --keep: leave the model blobs
// in their temporary folder (printed) for runs by hand, e.g. under a QEMU profile.
//
// The models (tests/support/reference_models.h: random int8 parameters, the reference shapes) are written as
// blobs with the trainer's writer into a temporary folder; the benchmark images
// (firmware/ports/mps2_an386/bench_main.cc, one per kernel set) read them through semihosting and run
// under QEMU with -icount shift=0, where SysTick's 25 MHz counts exactly one tick per 40 instructions.
// Each layer runs 16 times between two timer reads (tml_model_run_layer: the runner's per-layer
// dispatch included); the total is one tml_model_run. The two images must produce the same outputs.
// Code size: the linker maps of the size probes (size_main.cc: an application's use of the runner, no
// model), every .text/.rodata byte taken from the tml core library, per source file.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "link/transport.h"
#include "reference_models.h"
#include "tml/model.h"
#include "tml/trainer/error.h"

namespace fs = std::filesystem;

namespace {

// CMSIS-NN (commit 99f736a6, DSP build, -O2) on the same emulated board, from the shared PEERS.md; a
// fused conv + max pool layer of ours compares with their convolution plus their max pool.
struct Peer {
  const char* layer;
  long macs;
  long cmsis;
};
const std::vector<Peer> kConv1dPeers = {
    {"conv1d [208][3] -> [102][8], k5, ReLU, max pool 2", 24480, 193704 + 24822},
    {"conv1d [102][8] -> [49][16], k5, ReLU, max pool 2", 62720, 216094 + 19052},
    {"dense 784 -> 4", 3136, 6200},
    {"softmax 4", 0, 2222},
};
const std::vector<Peer> kDensePeers = {
    {"dense 624 -> 32, ReLU", 19968, 39144},
    {"dense 32 -> 16, ReLU", 512, 1876},
    {"dense 16 -> 4", 64, 438},
    {"softmax 4", 0, 2222},
};
constexpr long kCmsisConv1dTotal = 462094, kCmsisDenseTotal = 43680;
constexpr long kCmsisCodeBytes = 15556;

struct ModelRun {
  std::vector<double> layer_insns;  // per layer, per run
  long total_insns = 0;
  std::string output;
};

// Parses what bench_main.cc prints for each model, in order.
std::vector<ModelRun> parse_log(const std::string& log) {
  std::vector<ModelRun> runs;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w;
    words >> w;
    if (w == "model") {
      if (line.find("status 0") == std::string::npos) throw tml::Error("the board could not run a model: " + line);
      runs.emplace_back();
    } else if (w == "layer" && !runs.empty()) {
      long index, kind, reps, ticks;
      std::string k1, k2, k3;
      words >> index >> k1 >> kind >> k2 >> reps >> k3 >> ticks;
      runs.back().layer_insns.push_back(double(ticks) * 40.0 / double(reps));
    } else if (w == "total" && !runs.empty()) {
      std::string k1, k2;
      long reps, ticks;
      words >> k1 >> reps >> k2 >> ticks;
      runs.back().total_insns = ticks * 40 / reps;
    } else if (w == "output" && !runs.empty()) {
      words >> runs.back().output;
    }
  }
  return runs;
}

std::vector<ModelRun> run_board(const fs::path& image, const std::vector<fs::path>& blobs) {
  tml::emulator::Options options;
  options.image = image;
  options.count_instructions = true;
  for (const auto& b : blobs) options.firmware_args.push_back("--model=" + b.string());
  tml::emulator::Emulator emu(options);
  auto link = tml::link::open_tcp("127.0.0.1", emu.port());  // the CPU starts once the host connects
  const int status = emu.wait(120000);
  const std::string log = emu.log();
  if (status != 0)
    throw tml::Error(image.filename().string() + " ended with status " + std::to_string(status) + ":\n" + log);
  auto runs = parse_log(log);
  if (runs.size() != blobs.size()) throw tml::Error("unexpected benchmark output:\n" + log);
  return runs;
}

std::string with_commas(long v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return (v < 0 ? "-" : "") + s;
}

void print_model(const char* title, const std::vector<Peer>& peers, long cmsis_total, double goal,
                 const ModelRun& ref, const ModelRun& opt) {
  std::printf("\n%s\n\n", title);
  std::printf("| layer | MACs | reference | optimized | CMSIS-NN | optimized / CMSIS-NN |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  long macs = 0;
  for (size_t i = 0; i < peers.size(); ++i) {
    const long r = std::lround(ref.layer_insns.at(i)), o = std::lround(opt.layer_insns.at(i));
    macs += peers[i].macs;
    std::printf("| %s | %s | %s | %s | %s | %.2f |\n", peers[i].layer,
                peers[i].macs ? with_commas(peers[i].macs).c_str() : "-", with_commas(r).c_str(),
                with_commas(o).c_str(), with_commas(peers[i].cmsis).c_str(), double(o) / double(peers[i].cmsis));
  }
  std::printf("| **total** (tml_model_run) | %s | **%s** | **%s** | **%s** | **%.2f** |\n", with_commas(macs).c_str(),
              with_commas(ref.total_insns).c_str(), with_commas(opt.total_insns).c_str(),
              with_commas(cmsis_total).c_str(), double(opt.total_insns) / double(cmsis_total));
  std::printf("\noptimized: %.2f instructions per MAC; %.2fx faster than the reference set. Goal <= %.1f x "
              "CMSIS-NN = %s: %s. Outputs of the two sets: %s.\n",
              double(opt.total_insns) / double(macs), double(ref.total_insns) / double(opt.total_insns), goal,
              with_commas(long(goal * double(cmsis_total))).c_str(),
              double(opt.total_insns) <= goal * double(cmsis_total) ? "met" : "NOT met",
              ref.output == opt.output ? "identical" : "DIFFERENT");
}

// Bytes of .text/.rodata input sections the linker placed from libtml_core_<set>.a, per object file.
std::map<std::string, long> core_bytes(const fs::path& map_path, const std::string& set) {
  std::ifstream in(map_path);
  if (!in) throw tml::Error("no linker map at " + map_path.string() + "; build the firmware first");
  const std::string lib = "libtml_core_" + set + ".a(";
  std::map<std::string, long> bytes;
  std::string line, section;
  bool started = false;
  while (std::getline(in, line)) {
    if (!started) {
      started = line.rfind("Linker script and memory map", 0) == 0;
      continue;
    }
    std::istringstream words(line);
    std::string first;
    if (!(words >> first)) continue;
    if (first[0] == '.') {  // an input section name, possibly followed by address, size and file
      section = first;
      if (!(words >> first)) continue;
    }
    if (first.rfind("0x", 0) != 0) continue;
    std::string size, file;
    if (!(words >> size >> file) || size.rfind("0x", 0) != 0) continue;
    const size_t at = file.find(lib);
    if (at == std::string::npos) continue;
    if (section.rfind(".text", 0) != 0 && section.rfind(".rodata", 0) != 0) continue;
    const std::string object = file.substr(at + lib.size(), file.size() - at - lib.size() - 1);
    bytes[object] += std::strtol(size.c_str(), nullptr, 16);
  }
  return bytes;
}

void print_sizes(const fs::path& dir) {
  std::map<std::string, long> sets[2];
  const char* names[2] = {"reference", "optimized"};
  for (int s = 0; s < 2; ++s)
    sets[s] = core_bytes(dir / ("tml-size-" + std::string(names[s]) + ".elf.map"), names[s]);
  std::map<std::string, bool> objects;
  for (const auto& set : sets)
    for (const auto& [object, n] : set) objects[object] = true;
  std::printf("\nCode size: runner plus every kernel it can call, no model (size_main.cc; .text + .rodata, "
              "arm-none-eabi-gcc -Os)\n\n");
  std::printf("| source | reference set | optimized set |\n|---|---:|---:|\n");
  long total[2] = {0, 0};
  for (const auto& [object, unused] : objects) {
    (void)unused;
    long n[2];
    for (int s = 0; s < 2; ++s) {
      const auto it = sets[s].find(object);
      n[s] = it == sets[s].end() ? 0 : it->second;
      total[s] += n[s];
    }
    std::printf("| %s | %s | %s |\n", object.c_str(), n[0] ? with_commas(n[0]).c_str() : "-",
                n[1] ? with_commas(n[1]).c_str() : "-");
  }
  std::printf("| **total** | **%s** | **%s** |\n", with_commas(total[0]).c_str(), with_commas(total[1]).c_str());
  std::printf("\nGoal <= 4,096 bytes: reference %s, optimized %s. CMSIS-NN's kernels for the same two models: %s "
              "bytes; TFLM's interpreter alone about 10 KB.\n",
              total[0] <= 4096 ? "met" : "NOT met", total[1] <= 4096 ? "met" : "NOT met",
              with_commas(kCmsisCodeBytes).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  fs::path images = fs::path(TML_BINARY_DIR) / "firmware-mps2" / "ports" / "mps2_an386";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--images") && i + 1 < argc) {
      images = argv[++i];
    } else if (!std::strcmp(argv[i], "--keep")) {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: bench_kernels [--images DIR] [--keep]\n");
      return 2;
    }
  }
  try {
    char tmpl[] = "/tmp/tml-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw tml::Error("cannot create a temporary folder");
    const fs::path dir = tmpl;
    std::vector<fs::path> blobs = {dir / "conv1d.tmlm", dir / "dense.tmlm"};
    const std::vector<uint8_t> bytes[2] = {tml::trainer::write_model_blob(tml::test::conv1d_model(1)),
                                           tml::trainer::write_model_blob(tml::test::dense_model(2))};
    for (int i = 0; i < 2; ++i) {
      std::ofstream out(blobs[size_t(i)], std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes[i].data()), std::streamsize(bytes[i].size()));
    }
    std::vector<ModelRun> runs[2];
    try {
      runs[0] = run_board(images / "tml-bench-reference.elf", blobs);
      runs[1] = run_board(images / "tml-bench-optimized.elf", blobs);
    } catch (...) {
      if (!keep) fs::remove_all(dir);
      throw;
    }
    if (keep)
      std::printf("model blobs kept in %s\n", dir.c_str());
    else
      fs::remove_all(dir);
    std::printf("Instructions per inference on the emulated Cortex-M4 (QEMU mps2-an386, -icount shift=0: SysTick "
                "ticks x 40; each layer the mean of 16 runs through tml_model_run_layer), arm-none-eabi-gcc -Os, "
                "random int8 parameters. CMSIS-NN: the shared PEERS.md (DSP build, -O2).\n");
    print_model("conv1d reference model", kConv1dPeers, kCmsisConv1dTotal, 0.8, runs[0][0], runs[1][0]);
    print_model("dense reference model", kDensePeers, kCmsisDenseTotal, 1.0, runs[0][1], runs[1][1]);
    print_sizes(images);
    const bool same = runs[0][0].output == runs[1][0].output && runs[0][1].output == runs[1][1].output;
    return same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_kernels: %s\n", e.what());
    return 1;
  }
}
