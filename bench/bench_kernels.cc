// Board benchmark of the int8 kernels: instructions per inference of the two reference models on the
// emulated Cortex-M4, layer by layer, with the reference and the optimized kernel set, beside CMSIS-NN's
// figures for the same shapes; the same for the keyword-spotting DS-CNN (depthwise and pointwise
// convolutions, MODELS.md) with its flash and arena bytes; and the code size of the runner plus kernels
// of each set. Then the front ends (firmware/include/tml/features.h): instructions per audio feature
// frame, per second of audio and per spectral window, their flash (tables and code) and RAM.
//
//   build/bench/bench_kernels [--images DIR] [--keep] [--kws]
//
// --images: where the board images are (default: this build's firmware); --keep: leave the model blobs
// in their temporary folder (printed) for runs by hand, e.g. under a QEMU profile; --kws: only what
// keyword spotting costs (the DS-CNN, the code size, the front ends and the continuous-listening summary:
// instructions per frame, per inference and per second of audio, share of 120 MHz, flash and RAM).
//
// The models (tests/support/reference_models.h: random int8 parameters, the reference shapes) are written as
// blobs with the trainer's writer into a temporary folder; the benchmark images
// (firmware/ports/mps2_an386/bench_main.cc, one per kernel set) read them through semihosting and run
// under QEMU with -icount shift=0, where SysTick's 25 MHz counts exactly one tick per 40 instructions.
// Each layer runs 16 times between two timer reads (tml_model_run_layer: the runner's per-layer
// dispatch included); the total is one tml_model_run. The two images must produce the same outputs.
// Code size: the linker maps of the size probes (size_main.cc: an application's use of the runner, no
// model), every .text/.rodata byte taken from the tml core library, per source file.
// Front ends: the front-end image (features_main.cc) runs jobs under -icount shift=0 (a kws-mini clip
// through the MFCC and MFE front ends, a 3-axis window through the spectral one); code size from the
// probe size_features_main.cc's map.
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dataset/wav_codec.h"
#include "emulator/emulator.h"
#include "features_jobs.h"
#include "link/transport.h"
#include "reference_models.h"
#include "tml/trainer/front_end.h"
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

// The DS-CNN (tests/support/reference_models.h): per layer, per kind of layer, and in total.
struct DscnnLayer {
  const char* name;
  const char* kind;
  long macs;
};
const std::vector<DscnnLayer> kDscnnLayers = {
    {"conv1d [49][10] -> [25][64], k5 stride 2 same, ReLU", "conv1d k5", 80000},
    {"depthwise 1: [25][64] k3 same, ReLU", "depthwise k3", 4800},
    {"pointwise 1: conv1d 64 -> 64 k1, ReLU", "pointwise", 102400},
    {"depthwise 2", "depthwise k3", 4800},
    {"pointwise 2", "pointwise", 102400},
    {"depthwise 3", "depthwise k3", 4800},
    {"pointwise 3", "pointwise", 102400},
    {"depthwise 4", "depthwise k3", 4800},
    {"pointwise 4", "pointwise", 102400},
    {"global average pool [25][64] -> [64]", "pooling, dense, softmax", 0},
    {"dense 64 -> 12", "pooling, dense, softmax", 768},
    {"softmax 12", "pooling, dense, softmax", 0},
};

void print_dscnn(const ModelRun& ref, const ModelRun& opt, const std::vector<uint8_t>& blob) {
  std::vector<uint32_t> words((blob.size() + 3) / 4);
  std::memcpy(words.data(), blob.data(), blob.size());
  tml_model model;
  if (tml_model_init(&model, reinterpret_cast<const uint8_t*>(words.data()), blob.size()) != TML_OK)
    throw tml::Error("the DS-CNN blob is invalid");
  std::printf("\nDS-CNN keyword-spotting model (MODELS.md: [49][10] MFCC, 4 depthwise-separable blocks of 64 "
              "channels, 12 classes; batch norms folded)\n\n");
  std::printf("| layer | MACs | reference | optimized | optimized instructions / MAC | reference / optimized |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  long macs = 0;
  std::map<std::string, std::array<double, 3>> kinds;  // reference, optimized, MACs
  std::vector<std::string> order;
  for (size_t i = 0; i < kDscnnLayers.size(); ++i) {
    const DscnnLayer& l = kDscnnLayers[i];
    const double r = ref.layer_insns.at(i), o = opt.layer_insns.at(i);
    macs += l.macs;
    if (!kinds.count(l.kind)) order.push_back(l.kind);
    auto& k = kinds[l.kind];
    k[0] += r;
    k[1] += o;
    k[2] += double(l.macs);
    char per_mac[32] = "-";
    if (l.macs) std::snprintf(per_mac, sizeof per_mac, "%.2f", o / double(l.macs));
    std::printf("| %s | %s | %s | %s | %s | %.2f |\n", l.name, l.macs ? with_commas(l.macs).c_str() : "-",
                with_commas(std::lround(r)).c_str(), with_commas(std::lround(o)).c_str(), per_mac, r / o);
  }
  std::printf("| **total** (tml_model_run) | %s | **%s** | **%s** | %.2f | %.2f |\n", with_commas(macs).c_str(),
              with_commas(ref.total_insns).c_str(), with_commas(opt.total_insns).c_str(),
              double(opt.total_insns) / double(macs), double(ref.total_insns) / double(opt.total_insns));
  std::printf("\nBy kind of layer (instructions per inference; the layers' sum, without tml_model_run's few "
              "hundred):\n\n");
  std::printf("| kind | MACs | reference | optimized | share of the optimized sum |\n|---|---:|---:|---:|---:|\n");
  double sum = 0;
  for (const auto& name : order) sum += kinds[name][1];
  for (const auto& name : order) {
    const auto& k = kinds[name];
    std::printf("| %s | %s | %s | %s | %.1f %% |\n", name.c_str(), with_commas(std::lround(k[2])).c_str(),
                with_commas(std::lround(k[0])).c_str(), with_commas(std::lround(k[1])).c_str(), 100.0 * k[1] / sum);
  }
  std::printf("\nFlash %s bytes (the blob: weights, biases, requantization, header and records), arena %s bytes "
              "(every activation, exact). At 120 MHz and one instruction per cycle the optimized set's inference "
              "would take %.1f ms. Outputs of the two sets: %s.\n",
              with_commas(long(model.header.total_size)).c_str(), with_commas(long(model.header.arena_size)).c_str(),
              double(opt.total_insns) / 120e3, ref.output == opt.output ? "identical" : "DIFFERENT");
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
  const std::string lib = set.empty() ? std::string() : "libtml_core_" + set + ".a(";
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
    // The library of this set, or (set empty) of any set: libtml_core_<set>.a(<object>).
    const size_t lib_at = lib.empty() ? file.find("libtml_core_") : file.find(lib);
    const size_t at = lib_at == std::string::npos ? lib_at : file.find(".a(", lib_at);
    if (at == std::string::npos) continue;
    if (section.rfind(".text", 0) != 0 && section.rfind(".rodata", 0) != 0) continue;
    const std::string object = file.substr(at + 3, file.size() - at - 4);
    bytes[object] += std::strtol(size.c_str(), nullptr, 16);
  }
  return bytes;
}

// Returns the optimized set's code bytes (runner and every kernel).
long print_sizes(const fs::path& dir) {
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
  // The goal was set for the runner with the two reference models' kernels; the depthwise kernel is the
  // DS-CNN's addition, so it is shown apart.
  long depthwise[2] = {0, 0};
  for (int s = 0; s < 2; ++s) {
    const auto it = sets[s].find("depthwise_conv1d_s8.cc.obj");
    depthwise[s] = it == sets[s].end() ? 0 : it->second;
  }
  const long without[2] = {total[0] - depthwise[0], total[1] - depthwise[1]};
  std::printf("\nWithout the depthwise kernel (what the two reference models can call): reference %s, optimized %s "
              "bytes; goal <= 4,096: %s, %s. CMSIS-NN's kernels for the same two models: %s bytes; TFLM's "
              "interpreter alone about 10 KB.\n",
              with_commas(without[0]).c_str(), with_commas(without[1]).c_str(),
              without[0] <= 4096 ? "met" : "NOT met", without[1] <= 4096 ? "met" : "NOT met",
              with_commas(kCmsisCodeBytes).c_str());
  return total[1];
}

// The MFCC front end of keyword spotting (the first job of bench_front_ends), for the continuous summary.
struct MfccFigures {
  double per_frame = 0;   // instructions per feature frame
  double per_second = 0;  // instructions per second of audio: one frame per hop
  long tables = 0;        // the blob's front-end section
  long code = 0;          // front-end code
  long ram = 0;           // tml_features_buffer_size + one frame's output
  long frames = 0, channels = 0, frame_length = 0;
};

// Front ends: the jobs, their instruction counts, flash and RAM.
struct FrontEndJob {
  std::string name;
  tml::trainer::FrontEnd fe;
  tml::test::JobMode mode;
  fs::path path;
};

long code_bytes(const std::map<std::string, long>& objects, const std::vector<std::string>& names) {
  long total = 0;
  for (const auto& n : names) {
    const auto it = objects.find(n + ".cc.obj");
    if (it != objects.end()) total += it->second;
  }
  return total;
}

MfccFigures bench_front_ends(const fs::path& images, bool keep) {
  using namespace tml::trainer;
  char tmpl[] = "/tmp/tml-bench-features-XXXXXX";
  if (!::mkdtemp(tmpl)) throw tml::Error("cannot create a temporary folder");
  const fs::path dir = tmpl;
  struct Cleanup {
    fs::path dir;
    bool keep;
    ~Cleanup() {
      if (keep)
        std::printf("front-end jobs kept in %s\n", dir.c_str());
      else
        fs::remove_all(dir);
    }
  } cleanup{dir, keep};
  const std::string clip = "yes/439c84f4_nohash_1.wav";
  std::ifstream wav_in(fs::path(TML_SOURCE_DIR) / "datasets" / "kws-mini" / clip, std::ios::binary);
  std::stringstream wav;
  wav << wav_in.rdbuf();
  std::vector<int16_t> pcm = tml::dataset::decode_wav(wav.str(), clip).samples;
  pcm.resize(16000, 0);
  AudioFrontEndConfig mfe;  // Edge Impulse's MFE defaults: 20 ms / 10 ms frames, FFT 256 (here 32 bands)
  mfe.kind = AudioFeatureKind::mfe;
  mfe.decibels = true;
  mfe.noise_floor_db = -52.0;
  mfe.frame_length = 320;
  mfe.frame_step = 160;
  mfe.fft_size = 512;
  mfe.mel_bands = 40;
  std::vector<FrontEndJob> jobs = {
      {"MFCC (MLPerf KWS: 480/320, FFT 512, 40 mel, 10 MFCC)", FrontEnd::audio(AudioFrontEndConfig{}),
       tml::test::JobMode::features_i16, dir / "mfcc.job"},
      {"MFE (320/160, FFT 512, 40 mel, dB, floor -52 dB)", FrontEnd::audio(mfe), tml::test::JobMode::features_i16,
       dir / "mfe.job"},
      {"spectral (3 axes x 208 rows at 104 Hz, defaults)", FrontEnd::spectral(SpectralConfig{}),
       tml::test::JobMode::features_f32, dir / "spectral.job"}};
  SpectralConfig filtered;
  filtered.filter = FilterType::low_pass;
  filtered.cutoff_hz = 10;
  filtered.filter_order = 4;
  filtered.stats |= kFlattenStats;
  jobs.push_back({"spectral + 4th-order low-pass + flatten statistics", FrontEnd::spectral(filtered),
                  tml::test::JobMode::features_f32, dir / "spectral_filtered.job"});
  std::vector<float> motion(208 * 3);
  for (size_t i = 0; i < motion.size(); ++i) motion[i] = float(std::sin(0.37 * double(i)) + (i % 3 == 2 ? 9.81 : 0));
  for (const auto& j : jobs) {
    if (j.mode == tml::test::JobMode::features_i16)
      tml::test::write_job(j.path, j.mode, j.fe.section(), pcm, 1.0f / 32768, 4);
    else
      tml::test::write_job(j.path, j.mode, j.fe.section(), motion, 1.0f, 4);
  }
  tml::emulator::Options options;
  options.image = images / "tml-features.elf";
  options.count_instructions = true;
  for (const auto& j : jobs) options.firmware_args.push_back("--job=" + j.path.string());
  tml::emulator::Emulator emu(options);
  auto link = tml::link::open_tcp("127.0.0.1", emu.port());
  const int status = emu.wait(300000);
  const std::string log = emu.log();
  if (status != 0) throw tml::Error("tml-features.elf ended with status " + std::to_string(status) + ":\n" + log);
  const auto results = tml::test::parse_jobs(log);
  if (results.size() != jobs.size()) throw tml::Error("unexpected front-end benchmark output:\n" + log);

  const auto code = core_bytes(images / "tml-size-features.elf.map", "");
  // Both kinds link together (tml_features_init and tml_features_run dispatch on the kind).
  const long all_code =
      code_bytes(code, {"features", "model_features", "audio", "spectral", "fft", "fmath", "biquad"});
  const long audio_code = all_code, spectral_code = all_code;
  std::printf("\nFront ends on the emulated Cortex-M4 (QEMU -icount shift=0; instructions, not cycles; "
              "arm-none-eabi-gcc -Os). Share of a 120 MHz M4 at one instruction per cycle.\n\n");
  std::printf("| front end | per frame | per window | per second | share of 120 MHz | tables | code | RAM "
              "(scratch + output) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  MfccFigures mfcc;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const auto& r = results[i];
    if (r.status != 0) throw tml::Error("front-end job failed: " + jobs[i].name);
    const tml_features& f = jobs[i].fe.features();
    const bool audio = f.kind != TML_FEATURES_SPECTRAL;
    const double window = double(r.ticks) * 40.0 / double(r.reps);
    const long ram = long(tml_features_buffer_size(&f)) + long(4 * (audio ? f.record.audio.out_channels
                                                                         : tml_features_output_size(&f)));
    const long tables = long(jobs[i].fe.section().size());
    if (audio) {
      const double frame = double(r.frame_ticks) * 40.0 / double(r.frame_reps);
      const double per_second = frame * f.record.audio.sample_rate / f.record.audio.frame_step;
      if (i == 0)
        mfcc = {frame, per_second, tables, audio_code, ram, long(f.record.audio.out_time),
                long(f.record.audio.out_channels), long(f.record.audio.frame_length)};
      std::printf("| %s | %s | %s (%d frames) | %s | %.2f %% | %s | %s | %s |\n", jobs[i].name.c_str(),
                  with_commas(std::lround(frame)).c_str(), with_commas(std::lround(window)).c_str(),
                  f.record.audio.out_time, with_commas(std::lround(per_second)).c_str(), 100.0 * per_second / 120e6,
                  with_commas(tables).c_str(), with_commas(audio_code).c_str(), with_commas(ram).c_str());
    } else {
      const double per_second = window * 2;  // a window every 0.5 s
      std::printf("| %s | - | %s | %s (2 windows) | %.3f %% | %s | %s | %s |\n", jobs[i].name.c_str(),
                  with_commas(std::lround(window)).c_str(), with_commas(std::lround(per_second)).c_str(),
                  100.0 * per_second / 120e6, with_commas(tables).c_str(), with_commas(spectral_code).c_str(),
                  with_commas(ram).c_str());
    }
  }
  std::printf("\nPer second of audio: one frame per hop (continuous mode computes each frame once). Spectral: a "
              "window every 0.5 s. Tables: the blob's front-end section (record, window, twiddles, mel weights, "
              "DCT, filter, band edges). RAM: tml_features_buffer_size plus one frame's (audio) or the window's "
              "(spectral) float output; audio's window of features ([49][10] floats, 1,960 B for MFCC) is the "
              "application's ring buffer.\n\nFront-end code (size_features_main.cc; .text + .rodata by source):\n\n");
  std::printf("| source | bytes |\n|---|---:|\n");
  for (const char* n : {"features", "model_features", "audio", "spectral", "fft", "fmath", "biquad"}) {
    const auto it = code.find(std::string(n) + ".cc.obj");
    std::printf("| %s.cc | %s |\n", n, it == code.end() ? "-" : with_commas(it->second).c_str());
  }
  std::printf("| **total** (both kinds: the validation and the whole-window entry points dispatch on the kind) "
              "| **%s** |\n",
              with_commas(all_code).c_str());
  return mfcc;
}

// Keyword spotting listening continuously, as `tml run` does it: one MFCC frame per 20 ms hop, computed
// once, and a DS-CNN inference every 0.5 s (the stride), on the optimized kernel set; flash and RAM of
// front end and model together, against the goals of the keyword-spotting issue (docs/benchmarks.md).
void print_kws_summary(const ModelRun& dscnn, const std::vector<uint8_t>& blob, const MfccFigures& mfcc,
                       long runner_code) {
  std::vector<uint32_t> words((blob.size() + 3) / 4);
  std::memcpy(words.data(), blob.data(), blob.size());
  tml_model model;
  if (tml_model_init(&model, reinterpret_cast<const uint8_t*>(words.data()), blob.size()) != TML_OK)
    throw tml::Error("the DS-CNN blob is invalid");
  const double inferences = 2.0;  // per second: a window every 0.5 s
  const double per_second = mfcc.per_second + inferences * double(dscnn.total_insns);
  const long flash = long(model.header.total_size) + mfcc.tables + mfcc.code + runner_code;
  // RAM: the arena, the front end's scratch and frame output, the ring of [49][10] feature frames and the
  // network input as floats, the frame's samples (tml_inference_buffer_size's parts).
  const long ring = 2 * 4 * mfcc.frames * mfcc.channels + 4 * mfcc.frame_length;
  const long ram = long(model.header.arena_size) + mfcc.ram + ring;
  std::printf("\nKeyword spotting listening continuously (MFCC frames every 20 ms + a DS-CNN inference every 0.5 s, "
              "optimized kernels):\n\n");
  std::printf("| | figure | goal |\n|---|---:|---:|\n");
  std::printf("| instructions per feature frame | %s | |\n",
              with_commas(std::lround(mfcc.per_frame)).c_str());
  std::printf("| instructions per inference | %s | |\n", with_commas(dscnn.total_insns).c_str());
  std::printf("| instructions per second of audio | %s | |\n", with_commas(std::lround(per_second)).c_str());
  std::printf("| share of a 120 MHz Cortex-M4 | %.1f %% | <= 25 %% (%s) |\n", 100.0 * per_second / 120e6,
              per_second <= 0.25 * 120e6 ? "met" : "NOT met");
  std::printf("| flash: model blob %s + front-end tables %s + front-end code %s + runner and kernels %s | %s B | "
              "<= 48 KB (%s) |\n",
              with_commas(long(model.header.total_size)).c_str(), with_commas(mfcc.tables).c_str(),
              with_commas(mfcc.code).c_str(), with_commas(runner_code).c_str(), with_commas(flash).c_str(),
              flash <= 48 * 1024 ? "met" : "NOT met");
  std::printf("| RAM: arena %s + front end %s + feature ring, network input and frame samples %s | %s B | "
              "<= 16 KB (%s) |\n",
              with_commas(long(model.header.arena_size)).c_str(), with_commas(mfcc.ram).c_str(),
              with_commas(ring).c_str(), with_commas(ram).c_str(), ram <= 16 * 1024 ? "met" : "NOT met");
  std::printf("\nFor scale: MLPerf Tiny's DS-CNN reference takes 53,936 B and 47.8-181.9 ms per inference on a "
              "120 MHz Cortex-M4F; this one %.1f ms at one instruction per cycle.\n",
              double(dscnn.total_insns) / 120e3);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path images = fs::path(TML_BINARY_DIR) / "firmware-mps2" / "ports" / "mps2_an386";
  bool keep = false, kws = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--images") && i + 1 < argc) {
      images = argv[++i];
    } else if (!std::strcmp(argv[i], "--keep")) {
      keep = true;
    } else if (!std::strcmp(argv[i], "--kws")) {
      kws = true;
    } else {
      std::fprintf(stderr, "usage: bench_kernels [--images DIR] [--keep] [--kws]\n");
      return 2;
    }
  }
  try {
    char tmpl[] = "/tmp/tml-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw tml::Error("cannot create a temporary folder");
    const fs::path dir = tmpl;
    std::vector<fs::path> blobs = {dir / "conv1d.tmlm", dir / "dense.tmlm", dir / "dscnn.tmlm"};
    const std::vector<uint8_t> bytes[3] = {tml::trainer::write_model_blob(tml::test::conv1d_model(1)),
                                           tml::trainer::write_model_blob(tml::test::dense_model(2)),
                                           tml::trainer::write_model_blob(tml::test::dscnn_model(3))};
    for (int i = 0; i < 3; ++i) {
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
    if (!kws) {
      print_model("conv1d reference model", kConv1dPeers, kCmsisConv1dTotal, 0.8, runs[0][0], runs[1][0]);
      print_model("dense reference model", kDensePeers, kCmsisDenseTotal, 1.0, runs[0][1], runs[1][1]);
    }
    print_dscnn(runs[0][2], runs[1][2], bytes[2]);
    const long runner_code = print_sizes(images);
    const MfccFigures mfcc = bench_front_ends(images, keep);
    print_kws_summary(runs[1][2], bytes[2], mfcc, runner_code);
    bool same = true;
    for (size_t i = 0; i < blobs.size(); ++i) same = same && runs[0][i].output == runs[1][i].output;
    return same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_kernels: %s\n", e.what());
    return 1;
  }
}
