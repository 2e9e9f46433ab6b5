// The front ends on the emulated Cortex-M4F equal the host's, bit for bit: the front-end image
// (firmware/ports/mps2_an386/features_main.cc, built by arm-none-eabi-gcc) computes the features of
// kws-mini clips and synthetic windows, the model input and scores of models behind a front end, and the
// logarithms and square root of values over every exponent; the host computes the same with the same
// firmware sources compiled for x86-64, and every byte must match.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dataset/wav_codec.h"
#include "emulator/emulator.h"
#include "features_board.h"
#include "features_jobs.h"
#include "link/transport.h"
#include "reference_models.h"
#include "run_programs.h"
#include "tml/fmath.h"
#include "tml/model.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/front_end.h"

using namespace tml::trainer;
using tml::test::JobMode;

namespace {

using tml::test::features_image;

std::vector<int16_t> clip_pcm(const std::string& relative) {
  std::ifstream in(tml::test::source_dir() / "datasets" / "kws-mini" / relative, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<int16_t> pcm = tml::dataset::decode_wav(ss.str(), relative).samples;
  pcm.resize(16000, 0);
  return pcm;
}

std::vector<float> motion_window(int rows, int axes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.2f);
  std::vector<float> x(size_t(rows) * size_t(axes));
  for (int t = 0; t < rows; ++t)
    for (int a = 0; a < axes; ++a)
      x[size_t(t * axes + a)] = float(std::sin(0.21 * t * (a + 1)) + (a == 2 ? 9.81 : 0.0)) + noise(rng);
  return x;
}

// What the host expects for a model job: the int8 input, then the output.
std::string host_model_out(const std::vector<uint8_t>& blob_bytes, const std::vector<float>& raw) {
  std::vector<uint32_t> words((blob_bytes.size() + 3) / 4);
  std::memcpy(words.data(), blob_bytes.data(), blob_bytes.size());
  tml_model model;
  REQUIRE(tml_model_init(&model, reinterpret_cast<const uint8_t*>(words.data()), blob_bytes.size()) == TML_OK);
  std::vector<uint32_t> arena(tml_model_arena_size(&model) / 4 + 1), scratch(tml_model_features_buffer_size(&model) / 4);
  int8_t* in = tml_model_input(&model, arena.data());
  REQUIRE(tml_model_prepare_features(&model, raw.data(), raw.size(), scratch.data(), scratch.size() * 4, in) == TML_OK);
  const std::string input_hex = tml::test::to_hex(in, tml_model_input_size(&model));
  REQUIRE(tml_model_run(&model, arena.data(), arena.size() * 4, nullptr, nullptr) == TML_OK);
  return input_hex + tml::test::to_hex(tml_model_output(&model, arena.data()), tml_model_output_size(&model));
}

}  // namespace

TEST_CASE("front ends on the emulated board: features and model inputs and scores equal the host's bit for bit",
          "[e2e][features]") {
  REQUIRE(std::filesystem::exists(features_image()));
  tml::test::TempDir dir("tml-features-board");
  std::vector<std::string> names, expected;
  const auto add = [&](const std::string& name, const std::string& want) {
    names.push_back(name);
    expected.push_back(want);
  };

  // Audio: the MLPerf MFCC and an Edge Impulse-like MFE (dB, floor, pre-emphasis, Hamming) on clips.
  AudioFrontEndConfig mfe;
  mfe.kind = AudioFeatureKind::mfe;
  mfe.decibels = true;
  mfe.noise_floor_db = -52.0;
  mfe.preemphasis = 0.97;
  mfe.window = WindowFunction::hamming;
  mfe.frame_length = 512;
  mfe.frame_step = 256;
  mfe.frame_offset = 0;
  mfe.mel_bands = 32;
  const FrontEnd audio[2] = {FrontEnd::audio(AudioFrontEndConfig{}), FrontEnd::audio(mfe)};
  const char* clips[3] = {"yes/439c84f4_nohash_1.wav", "no/37e8db82_nohash_1.wav", "marvin/6a27a9bf_nohash_0.wav"};
  const float scale = 1.0f / 32768;
  for (int c = 0; c < 3; ++c) {
    const std::vector<int16_t> pcm = clip_pcm(clips[c]);
    for (int k = 0; k < 2; ++k) {
      const std::string name = "audio" + std::to_string(k) + "_" + std::to_string(c) + ".job";
      tml::test::write_job(dir / name, JobMode::features_i16, audio[k].section(), pcm, scale);
      const std::vector<float> f = audio[k].compute_i16(pcm.data(), pcm.size(), scale);
      add(name, tml::test::to_hex(f.data(), 4 * f.size()));
    }
  }
  // Float input of a whole window (the host's stored form), louder than int16 allows.
  {
    std::vector<float> x(16000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(3.0 * std::sin(0.05 * double(i)) * std::cos(0.0007 * double(i)));
    tml::test::write_job(dir / "audio_f32.job", JobMode::features_f32, audio[0].section(), x);
    const std::vector<float> f = audio[0].compute(x.data(), x.size());
    add("audio_f32.job", tml::test::to_hex(f.data(), 4 * f.size()));
  }

  // Spectral: the defaults, and a filtered variant with every statistic and a longer FFT.
  SpectralConfig filtered;
  filtered.filter = FilterType::low_pass;
  filtered.cutoff_hz = 8;
  filtered.filter_order = 6;
  filtered.stats = TML_SPECTRAL_STATS_ALL;
  filtered.fft_size = 128;
  filtered.bands = 10;
  filtered.peaks = 5;
  SpectralConfig high = filtered;
  high.filter = FilterType::high_pass;
  high.cutoff_hz = 1.5;
  high.filter_order = 3;
  high.log = false;
  const FrontEnd spectral[3] = {FrontEnd::spectral(SpectralConfig{}), FrontEnd::spectral(filtered),
                                FrontEnd::spectral(high)};
  for (int k = 0; k < 3; ++k) {
    for (uint32_t seed : {1u, 2u}) {
      std::vector<float> x = motion_window(208, 3, seed);
      if (seed == 2)
        for (size_t i = 1; i < x.size(); i += 3) x[i] = 0.25f;  // a constant axis
      const std::string name = "spectral" + std::to_string(k) + "_" + std::to_string(seed) + ".job";
      tml::test::write_job(dir / name, JobMode::features_f32, spectral[k].section(), x);
      const std::vector<float> f = spectral[k].compute(x.data(), x.size());
      add(name, tml::test::to_hex(f.data(), 4 * f.size()));
    }
  }

  // Models behind a front end: the int8 input and the scores.
  {
    const std::vector<uint8_t> kws = write_model_blob(tml::test::front_end_model(1, audio[0].section(), 49, 10, 12));
    const std::vector<int16_t> pcm = clip_pcm(clips[0]);
    std::vector<float> raw(pcm.size());
    for (size_t i = 0; i < pcm.size(); ++i) raw[i] = float(pcm[i]) * scale;
    tml::test::write_job(dir / "model_kws.job", JobMode::model_f32, kws, raw);
    add("model_kws.job", host_model_out(kws, raw));
    const std::vector<uint8_t> motion = write_model_blob(tml::test::front_end_model(2, spectral[1].section(), 1,
                                                                                    spectral[1].out_channels()));
    const std::vector<float> window = motion_window(208, 3, 3);
    tml::test::write_job(dir / "model_motion.job", JobMode::model_f32, motion, window);
    add("model_motion.job", host_model_out(motion, window));
  }

  // The logarithms and the square root over every exponent, subnormals included.
  {
    std::vector<float> values;
    std::mt19937 rng(8);
    for (uint32_t e = 0; e <= 254; ++e)
      for (int i = 0; i < 4; ++i) {
        const uint32_t bits = e << 23 | (rng() & 0x7FFFFF);
        float v;
        std::memcpy(&v, &bits, 4);
        values.push_back(v);
      }
    std::vector<float> want;
    for (float v : values) {
      want.push_back(tml_logf(v));
      want.push_back(tml_log2f(v));
      want.push_back(tml_log10f(v));
      want.push_back(tml_sqrtf(v));
    }
    tml::test::write_job(dir / "math.job", JobMode::math, {}, values);
    add("math.job", tml::test::to_hex(want.data(), 4 * want.size()));
  }

  const auto jobs = tml::test::run_feature_jobs(dir.path(), names);
  for (size_t i = 0; i < jobs.size(); ++i) {
    INFO(names[i]);
    CHECK(jobs[i].status == 0);
    CHECK(jobs[i].out.size() == expected[i].size());
    CHECK(jobs[i].out == expected[i]);
  }
}

TEST_CASE("front-end sources never fuse a multiply and an add even when the build allows it", "[e2e][features]") {
  // Arduino builds use -std=gnu++, where GCC contracts a*b + c into one VFMA (one rounding instead of
  // two) unless told otherwise; src/features/fp_strict.h tells it in the sources themselves.
  tml::test::TempDir dir;
  const auto features = tml::test::source_dir() / "firmware" / "src" / "features";
  const auto compile = [&](const std::filesystem::path& src) {
    const std::string obj = (dir / (src.stem().string() + ".o")).string();
    const auto r = tml::test::run({"arm-none-eabi-g++", "-std=gnu++17", "-O2", "-ffp-contract=fast", "-mcpu=cortex-m4",
                                   "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-fno-exceptions", "-fno-rtti",
                                   "-I" + (tml::test::source_dir() / "firmware" / "include").string(), "-c",
                                   src.string(), "-o", obj});
    INFO(src << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto d = tml::test::run({"arm-none-eabi-objdump", "-d", obj});
    REQUIRE(d.exit_code == 0);
    return d.out;
  };
  const auto fused = [](const std::string& disassembly) {
    for (const char* op : {"vfma.", "vfms.", "vfnma.", "vfnms."})
      if (disassembly.find(op) != std::string::npos) return true;
    return false;
  };
  // The check can fail: a plain a*b + c under these flags is fused.
  {
    std::ofstream(dir / "control.cc") << "float f(float a, float b, float c) { return a * b + c; }\n";
    CHECK(fused(compile(dir / "control.cc")));
  }
  int sources = 0;
  for (const auto& e : std::filesystem::directory_iterator(features)) {
    if (e.path().extension() != ".cc") continue;
    ++sources;
    INFO(e.path().filename());
    CHECK_FALSE(fused(compile(e.path())));
  }
  CHECK(sources >= 6);
}
