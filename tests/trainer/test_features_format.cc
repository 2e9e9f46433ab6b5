// The front-end section of the model blob (model_format.h): what the host builder writes, every
// validation rule of tml_features_init (one broken field at a time), truncation, random corruption that
// must never make the front end read or write out of bounds (the sanitizer build runs this too), and
// the model level: a version-2 blob with a front end, tml_model_prepare_features, version 1 still read.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "reference_models.h"
#include "run_programs.h"
#include "tml/features.h"
#include "tml/model.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/front_end.h"

using namespace tml::trainer;

namespace {

// A section at a 4-aligned address.
struct Section {
  std::vector<uint32_t> words;
  size_t len;
  explicit Section(const std::vector<uint8_t>& bytes) : words((bytes.size() + 3) / 4), len(bytes.size()) {
    std::memcpy(words.data(), bytes.data(), bytes.size());
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()); }
};

template <typename Record>
Record record_of(const std::vector<uint8_t>& bytes) {
  Record r;
  std::memcpy(&r, bytes.data(), sizeof r);
  return r;
}

// The status of a section whose record (and optionally bytes) were edited.
template <typename Record>
int with(const std::vector<uint8_t>& good, const std::function<void(Record&, std::vector<uint8_t>&)>& edit) {
  std::vector<uint8_t> bytes = good;
  Record r = record_of<Record>(bytes);
  edit(r, bytes);
  std::memcpy(bytes.data(), &r, sizeof r);
  Section s(bytes);
  tml_features fe;
  return tml_features_init(&fe, s.data(), s.len);
}

void put_f32(std::vector<uint8_t>& b, uint32_t offset, float v) { std::memcpy(b.data() + offset, &v, 4); }
void put_u16(std::vector<uint8_t>& b, uint32_t offset, uint16_t v) { std::memcpy(b.data() + offset, &v, 2); }

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// Runs a (valid) section on random input with guard bytes around every buffer; false if a guard changed.
bool run_guarded(const tml_features& fe, std::mt19937& rng) {
  const size_t in = tml_features_input_size(&fe), out = tml_features_output_size(&fe);
  const size_t scratch = tml_features_buffer_size(&fe) / 4;
  const uint32_t guard = 0xA5A5A5A5u;
  std::vector<float> raw(in + 8);
  std::vector<uint32_t> o(out + 8, guard), s(scratch + 8, guard);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  for (float& v : raw) v = u(rng);
  if (tml_features_run(&fe, raw.data() + 4, in, reinterpret_cast<float*>(o.data() + 4), s.data() + 4, scratch * 4) !=
      TML_OK)
    return false;
  if (fe.kind != TML_FEATURES_SPECTRAL)
    tml_audio_frame(&fe, raw.data() + 4, reinterpret_cast<float*>(o.data() + 4), s.data() + 4, scratch * 4);
  for (int i = 0; i < 4; ++i)
    if (o[size_t(i)] != guard || o[out + 4 + size_t(i)] != guard || s[size_t(i)] != guard ||
        s[scratch + 4 + size_t(i)] != guard)
      return false;
  return true;
}

AudioFrontEndConfig small_mfcc() {  // a quick MFCC front end for the fuzzing
  AudioFrontEndConfig c;
  c.window_samples = 1000;
  c.frame_length = 200;
  c.frame_step = 160;
  c.fft_size = 256;
  c.mel_bands = 16;
  c.coefficients = 6;
  c.noise_floor_db = -80.0;
  c.preemphasis = 0.9;
  return c;
}

SpectralConfig small_spectral() {
  SpectralConfig c;
  c.window_rows = 100;
  c.axes = 2;
  c.fft_size = 16;
  c.filter = FilterType::low_pass;
  c.cutoff_hz = 20;
  c.filter_order = 5;  // two biquads and a first-order section
  c.stats = TML_SPECTRAL_STATS_ALL;
  c.bands = 4;
  return c;
}

}  // namespace

TEST_CASE("features format: the builder's sections describe what they compute", "[features][format]") {
  const std::vector<uint8_t> mfcc = audio_front_end_section(AudioFrontEndConfig{});
  const auto a = record_of<tml_audio_features_record>(mfcc);
  CHECK(a.kind == TML_FEATURES_MFCC);
  CHECK(a.record_size == 64);
  CHECK(a.size == mfcc.size());
  CHECK(a.size % 4 == 0);
  CHECK(a.raw_rows == 16000);
  CHECK(a.raw_axes == 1);
  CHECK(a.out_time == 49);
  CHECK(a.out_channels == 10);
  CHECK(a.frame_length == 480);
  CHECK(a.frame_step == 320);
  CHECK(a.frame_offset == 16);
  CHECK(a.fft_size == 512);
  CHECK(a.mel_bands == 40);
  CHECK(a.sample_rate == 16000.0f);
  CHECK(a.log_offset == 1e-6f);
  CHECK(a.log_scale == 1.0f);
  CHECK(a.flags == 0);
  CHECK(a.window_offset == 64);  // tables in order: window, twiddles, mel bands + weights, DCT
  CHECK(a.twiddle_offset == 64 + 4 * 480);
  CHECK(a.mel_offset == a.twiddle_offset + 4 * 512);
  CHECK(a.dct_offset > a.mel_offset);
  // Every weight of the 40 bands: each FFT bin of 1..255 lies in two neighbouring bands at most.
  uint32_t weights = 0;
  for (uint32_t b = 0; b < 40; ++b) {
    uint16_t pair[2];
    std::memcpy(pair, mfcc.data() + a.mel_offset + 4 * b, 4);
    CHECK(pair[1] > 0);
    weights += pair[1];
  }
  CHECK(a.dct_offset == a.mel_offset + 4 * 40 + 4 * weights);
  CHECK(a.size == a.dct_offset + 4 * 10 * 40);
  INFO("MFCC section: " << mfcc.size() << " bytes, " << weights << " mel weights");
  CHECK(mfcc.size() < 8192);

  const std::vector<uint8_t> spectral = spectral_front_end_section(SpectralConfig{});
  const auto s = record_of<tml_spectral_features_record>(spectral);
  CHECK(s.kind == TML_FEATURES_SPECTRAL);
  CHECK(s.raw_rows == 208);
  CHECK(s.raw_axes == 3);
  CHECK(s.out_time == 1);
  CHECK(s.out_channels == 3 * (3 + 16 + 6));
  CHECK(s.fft_size == 32);
  CHECK(s.segment_length == 32);
  CHECK(s.segment_step == 16);
  CHECK(s.segment_count == 12);
  CHECK(s.bands == 16);
  CHECK(s.peaks == 3);
  CHECK(s.filter_sections == 0);
  CHECK(s.filter_offset == 0);
  CHECK(s.flags == (TML_SPECTRAL_FLAG_LOG | TML_SPECTRAL_FLAG_DETREND));
  CHECK(s.bin_hz == 104.0f / 32);
  CHECK(s.psd_scale == Approx(1.0 / (12 * 104.0 * 12.0)));  // Hann of 32: sum of squares 12
}

TEST_CASE("features format: configurations that cannot work are refused with a message", "[features][format]") {
  const auto refuses = [](auto config, const std::string& text) {
    try {
      validate(config);
      FAIL("accepted, expected an error about " << text);
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(text) != std::string::npos);
    }
  };
  AudioFrontEndConfig a;
  a.fft_size = 500;
  refuses(a, "fft_size is 500");
  a = {};
  a.fft_size = 2048;
  refuses(a, "power of two from 16 to 1024");
  a = {};
  a.frame_length = 600;
  refuses(a, "frame_length");
  a = {};
  a.frames = 60;
  refuses(a, "holds 60 frames only up to sample");
  a = {};
  a.window_samples = 300;
  refuses(a, "holds no frame");
  a = {};
  a.coefficients = 41;
  refuses(a, "coefficients");
  a = {};
  a.mel_bands = 300;
  refuses(a, "mel_bands");
  a = {};
  a.f_max = 9000;
  refuses(a, "f_max");
  a = {};
  a.preemphasis = 1.0;
  refuses(a, "preemphasis");
  a = {};
  a.log_offset = 0;
  refuses(a, "log_offset");
  a = {};
  a.sample_rate = 0;
  refuses(a, "sample_rate");
  a = {};
  a.noise_floor_db = std::nan("");
  refuses(a, "noise_floor_db");
  SpectralConfig s;
  s.filter = FilterType::low_pass;
  s.cutoff_hz = 60;
  refuses(s, "cut-off (60 Hz)");
  s.cutoff_hz = 5;
  s.filter_order = 17;
  refuses(s, "order");
  s = {};
  s.peaks = 17;
  refuses(s, "peaks");
  s = {};
  s.band_edges_hz = {0, 1, 2};
  refuses(s, "holds no FFT bin");
  s = {};
  s.stats = 0;
  s.bands = 0;
  s.peaks = 0;
  s.band_edges_hz = {};
  s.fft_size = 16;
  CHECK_NOTHROW(validate(s));  // bands 0 means one per bin
  s.stats = 1u << 9;
  refuses(s, "unknown bits");
  s = {};
  s.window_rows = 1;
  refuses(s, "window_rows");
}

TEST_CASE("features format: each broken audio field is rejected", "[features][format]") {
  const std::vector<uint8_t> good = audio_front_end_section(small_mfcc());
  using R = tml_audio_features_record;
  using B = std::vector<uint8_t>;
  CHECK(with<R>(good, [](R&, B&) {}) == TML_OK);
  const R g = record_of<R>(good);
  const std::vector<std::pair<const char*, std::function<void(R&, B&)>>> breaks = {
      {"kind", [](R& r, B&) { r.kind = 9; }},
      {"kind 0", [](R& r, B&) { r.kind = 0; }},
      {"flags", [](R& r, B&) { r.flags |= 2; }},
      {"record_size", [](R& r, B&) { r.record_size = 60; }},
      {"size beyond", [](R& r, B&) { r.size += 4; }},
      {"size unaligned", [](R& r, B&) { r.size -= 2; }},
      {"size below record", [](R& r, B&) { r.size = 32; }},
      {"reserved", [](R& r, B&) { r.reserved = 1; }},
      {"raw_axes", [](R& r, B&) { r.raw_axes = 2; }},
      {"raw_rows 0", [](R& r, B&) { r.raw_rows = 0; }},
      {"raw_rows short", [](R& r, B&) { r.raw_rows = 867; }},  // the last frame ends at 868
      {"out_time 0", [](R& r, B&) { r.out_time = 0; }},
      {"out_time long", [](R& r, B&) { r.out_time += 1; }},
      {"frame_offset", [](R& r, B&) { r.frame_offset = 200; }},
      {"frame_length 0", [](R& r, B&) { r.frame_length = 0; }},
      {"frame_length > fft", [](R& r, B&) { r.frame_length = 257, r.raw_rows = 2000; }},
      {"frame_step 0", [](R& r, B&) { r.frame_step = 0; }},
      {"fft 0", [](R& r, B&) { r.fft_size = 0; }},
      {"fft 8", [](R& r, B&) { r.fft_size = 8; }},
      {"fft 2048", [](R& r, B&) { r.fft_size = 2048; }},
      {"fft 384", [](R& r, B&) { r.fft_size = 384; }},
      {"mel_bands 0", [](R& r, B&) { r.mel_bands = 0; }},
      {"mel_bands > bins", [](R& r, B&) { r.mel_bands = 130; }},
      {"out_channels 0", [](R& r, B&) { r.out_channels = 0; }},
      {"out_channels > bands", [](R& r, B&) { r.out_channels = 17; }},
      {"MFE with a DCT", [](R& r, B&) { r.kind = TML_FEATURES_MFE, r.out_channels = 16; }},
      {"MFE channels", [](R& r, B&) { r.kind = TML_FEATURES_MFE, r.dct_offset = 0, r.out_channels = 6; }},
      {"sample_rate 0", [](R& r, B&) { r.sample_rate = 0; }},
      {"sample_rate NaN", [](R& r, B&) { r.sample_rate = kNan; }},
      {"sample_rate inf", [](R& r, B&) { r.sample_rate = kInf; }},
      {"preemphasis NaN", [](R& r, B&) { r.preemphasis = kNan; }},
      {"log_offset 0", [](R& r, B&) { r.log_offset = 0; }},
      {"log_offset < 0", [](R& r, B&) { r.log_offset = -1e-6f; }},
      {"log_scale 0", [](R& r, B&) { r.log_scale = 0; }},
      {"floor NaN", [](R& r, B&) { r.floor = kNan; }},
      {"floor without flag", [](R& r, B&) { r.flags = 0; }},
      {"window unaligned", [](R& r, B&) { r.window_offset += 2; }},
      {"window in the record", [](R& r, B&) { r.window_offset = 32; }},
      {"window beyond", [](R& r, B&) { r.window_offset = r.size - 16; }},
      {"window NaN", [g](R&, B& b) { put_f32(b, g.window_offset + 12, kNan); }},
      {"twiddles missing", [](R& r, B&) { r.twiddle_offset = 0; }},
      {"twiddle > 1", [g](R&, B& b) { put_f32(b, g.twiddle_offset + 4, 1.5f); }},
      {"twiddle inf", [g](R&, B& b) { put_f32(b, g.twiddle_offset + 8, -kInf); }},
      {"mel table beyond", [](R& r, B&) { r.mel_offset = r.size - 8; }},
      {"mel band past the spectrum", [g](R&, B& b) { put_u16(b, g.mel_offset + 4 * 15, 129); }},
      {"mel band count huge", [g](R&, B& b) { put_u16(b, g.mel_offset + 2, 60000); }},
      {"mel weight negative", [g](R&, B& b) { put_f32(b, g.mel_offset + 4 * 16 + 8, -0.5f); }},
      {"mel weight NaN", [g](R&, B& b) { put_f32(b, g.mel_offset + 4 * 16, kNan); }},
      {"DCT beyond", [](R& r, B&) { r.dct_offset = r.size - 4; }},
      {"DCT NaN", [g](R&, B& b) { put_f32(b, g.dct_offset + 20, kNan); }},
  };
  for (const auto& [name, edit] : breaks) {
    INFO(name);
    CHECK(with<R>(good, edit) == TML_ERR_FORMAT);
  }
  // Length and pointer checks.
  Section s(good);
  tml_features fe;
  for (size_t len = 0; len < good.size(); len += 1 + len / 64) CHECK(tml_features_init(&fe, s.data(), len) == TML_ERR_FORMAT);
  CHECK(tml_features_init(&fe, s.data(), good.size() + 100) == TML_OK);  // len may be larger
  CHECK(tml_features_init(&fe, s.data() + 2, good.size() - 4) == TML_ERR_ARG);
  CHECK(tml_features_init(nullptr, s.data(), good.size()) == TML_ERR_ARG);
  CHECK(tml_features_init(&fe, nullptr, good.size()) == TML_ERR_ARG);
}

TEST_CASE("features format: each broken spectral field is rejected", "[features][format]") {
  const std::vector<uint8_t> good = spectral_front_end_section(small_spectral());
  using R = tml_spectral_features_record;
  using B = std::vector<uint8_t>;
  CHECK(with<R>(good, [](R&, B&) {}) == TML_OK);
  const R g = record_of<R>(good);
  REQUIRE(g.filter_sections == 3);
  const std::vector<std::pair<const char*, std::function<void(R&, B&)>>> breaks = {
      {"flags", [](R& r, B&) { r.flags |= 4; }},
      {"reserved", [](R& r, B&) { r.reserved[1] = 1; }},
      {"stats", [](R& r, B&) { r.stats |= 0x100; }},
      {"raw_rows 0", [](R& r, B&) { r.raw_rows = 0; }},
      {"raw_axes 0", [](R& r, B&) { r.raw_axes = 0; }},
      {"out_time", [](R& r, B&) { r.out_time = 2; }},
      {"out_channels", [](R& r, B&) { r.out_channels += 1; }},
      {"fft", [](R& r, B&) { r.fft_size = 24; }},
      {"segment_length 0", [](R& r, B&) { r.segment_length = 0; }},
      {"segment_length > fft", [](R& r, B&) { r.segment_length = 17; }},
      {"segment_step 0", [](R& r, B&) { r.segment_step = 0; }},
      {"segment_count 0", [](R& r, B&) { r.segment_count = 0; }},
      {"segments past the window", [](R& r, B&) { r.segment_count += 1; }},
      {"peaks", [](R& r, B&) { r.peaks = 17, r.out_channels = uint16_t(2 * (8 + 4 + 34)); }},
      {"sections", [](R& r, B&) { r.filter_sections = 9; }},
      {"sections without table", [](R& r, B&) { r.filter_offset = 0; }},
      {"table without sections", [](R& r, B&) { r.filter_sections = 0; }},
      {"unstable a2", [g](R&, B& b) { put_f32(b, g.filter_offset + 16, 1.0f); }},
      {"unstable a1", [g](R&, B& b) { put_f32(b, g.filter_offset + 12, -2.5f); }},
      {"filter NaN", [g](R&, B& b) { put_f32(b, g.filter_offset, kNan); }},
      {"sample_rate", [](R& r, B&) { r.sample_rate = -104; }},
      {"psd_scale", [](R& r, B&) { r.psd_scale = 0; }},
      {"bin_hz", [](R& r, B&) { r.bin_hz = kNan; }},
      {"log offset 0", [](R& r, B&) { r.log_offset = 0; }},
      {"offset without log", [](R& r, B&) { r.flags &= uint8_t(~TML_SPECTRAL_FLAG_LOG); }},
      {"window beyond", [](R& r, B&) { r.window_offset = r.size; }},
      {"twiddles", [](R& r, B&) { r.twiddle_offset = 0; }},
      {"bands without edges", [](R& r, B&) { r.band_offset = 0; }},
      {"edges without bands", [](R& r, B&) { r.bands = 0, r.out_channels = 2 * (8 + 6); }},
      {"edges not increasing", [g](R&, B& b) { put_u16(b, g.band_offset + 2, 1); }},
      {"edge past the spectrum", [g](R&, B& b) { put_u16(b, g.band_offset + 8, 10); }},
  };
  for (const auto& [name, edit] : breaks) {
    INFO(name);
    CHECK(with<R>(good, edit) == TML_ERR_FORMAT);
  }
}

TEST_CASE("features format: random corruption never reads or writes out of bounds", "[features][format]") {
  std::mt19937 rng(17);
  int accepted = 0, total = 0;
  for (const std::vector<uint8_t>& good :
       {audio_front_end_section(small_mfcc()), spectral_front_end_section(small_spectral())}) {
    for (int trial = 0; trial < 4000; ++trial, ++total) {
      std::vector<uint8_t> bytes = good;
      const int changes = 1 + int(rng() % 4);
      for (int c = 0; c < changes; ++c) {
        // Mostly the record (where offsets and sizes live), sometimes the tables.
        const size_t at = rng() % 3 ? rng() % 64 : rng() % bytes.size();
        bytes[at] = rng() % 2 ? uint8_t(rng()) : uint8_t(bytes[at] ^ (1u << (rng() % 8)));
      }
      // The exact length: an accepted section is read only inside it (ASan sees a read past the vector).
      std::vector<uint8_t> exact(bytes);
      Section s(exact);
      tml_features fe;
      const int rc = tml_features_init(&fe, s.data(), s.len);
      REQUIRE((rc == TML_OK || rc == TML_ERR_FORMAT));
      if (rc != TML_OK) continue;
      ++accepted;
      REQUIRE(run_guarded(fe, rng));
    }
  }
  INFO(accepted << " of " << total << " corrupted sections were still valid and ran safely");
  CHECK(accepted > 0);
}

TEST_CASE("features format: a version-2 model blob carries its front end to the board's input", "[features][format]") {
  const FrontEnd fe = FrontEnd::audio(AudioFrontEndConfig{});
  const QuantizedModel qm = tml::test::front_end_model(3, fe.section(), 49, 10);
  const std::vector<uint8_t> blob_bytes = write_model_blob(qm);
  std::vector<uint32_t> words((blob_bytes.size() + 3) / 4);
  std::memcpy(words.data(), blob_bytes.data(), blob_bytes.size());
  const uint8_t* blob = reinterpret_cast<const uint8_t*>(words.data());
  tml_model model;
  REQUIRE(tml_model_init(&model, blob, blob_bytes.size()) == TML_OK);
  CHECK(model.header.version == 2);
  CHECK(model.header.features_offset % 4 == 0);
  CHECK(model.features.kind == TML_FEATURES_MFCC);
  CHECK(tml_features_input_size(&model.features) == 16000);
  CHECK(tml_model_features_buffer_size(&model) == 4 * (490 + 512 + 40));

  // prepare_features = the front end, then prepare_input, byte for byte.
  std::vector<float> clip(16000);
  std::mt19937 rng(4);
  std::normal_distribution<float> n(0.0f, 0.1f);
  for (float& v : clip) v = n(rng);
  std::vector<uint32_t> scratch(tml_model_features_buffer_size(&model) / 4);
  std::vector<int8_t> a(490), b(490);
  REQUIRE(tml_model_prepare_features(&model, clip.data(), clip.size(), scratch.data(), scratch.size() * 4, a.data()) ==
          TML_OK);
  const std::vector<float> features = fe.compute(clip.data(), clip.size());
  REQUIRE(tml_model_prepare_input(&model, features.data(), features.size(), b.data()) == TML_OK);
  CHECK(a == b);
  CHECK(tml_model_prepare_features(&model, clip.data(), clip.size(), scratch.data(), scratch.size() * 4 - 4,
                                   a.data()) == TML_ERR_BUFFER);
  CHECK(tml_model_prepare_features(&model, clip.data(), 490, scratch.data(), scratch.size() * 4, a.data()) ==
        TML_ERR_ARG);
  CHECK(tml_model_prepare_features(&model, clip.data(), clip.size(), nullptr, 0, a.data()) == TML_ERR_ARG);

  // A model without a front end: prepare_features is prepare_input, no scratch.
  const std::vector<uint8_t> plain_bytes = write_model_blob(tml::test::dense_model(1));
  std::vector<uint32_t> plain_words((plain_bytes.size() + 3) / 4);
  std::memcpy(plain_words.data(), plain_bytes.data(), plain_bytes.size());
  tml_model plain;
  REQUIRE(tml_model_init(&plain, reinterpret_cast<const uint8_t*>(plain_words.data()), plain_bytes.size()) == TML_OK);
  CHECK(plain.features.kind == TML_FEATURES_NONE);
  CHECK(tml_model_features_buffer_size(&plain) == 0);
  std::vector<float> window(624, 0.25f);
  std::vector<int8_t> p1(624), p2(624);
  CHECK(tml_model_prepare_features(&plain, window.data(), 624, nullptr, 0, p1.data()) == TML_OK);
  CHECK(tml_model_prepare_input(&plain, window.data(), 624, p2.data()) == TML_OK);
  CHECK(p1 == p2);

  // The writer refuses a front end whose output is not the model input.
  QuantizedModel wrong = tml::test::front_end_model(3, fe.section(), 49, 10);
  wrong.features = FrontEnd::spectral(SpectralConfig{}).section();
  CHECK_THROWS_WITH(write_model_blob(wrong), Catch::Contains("front end computes [1][75]"));
}

TEST_CASE("features format: the runner checks the section's place and shape in the blob", "[features][format]") {
  const FrontEnd fe = FrontEnd::spectral(SpectralConfig{});
  const std::vector<uint8_t> good = write_model_blob(tml::test::front_end_model(5, fe.section(), 1, 75));
  const auto status = [&](const std::function<void(tml_model_header&, std::vector<uint8_t>&)>& edit) {
    std::vector<uint8_t> b = good;
    tml_model_header h;
    std::memcpy(&h, b.data(), sizeof h);
    edit(h, b);
    std::memcpy(b.data(), &h, sizeof h);
    h.hash = tml_model_hash(b.data(), h.total_size);
    std::memcpy(b.data() + TML_MODEL_HASH_OFFSET, &h.hash, 4);
    std::vector<uint32_t> words((b.size() + 3) / 4);
    std::memcpy(words.data(), b.data(), b.size());
    tml_model m;
    return tml_model_init(&m, reinterpret_cast<const uint8_t*>(words.data()), b.size());
  };
  CHECK(status([](tml_model_header&, std::vector<uint8_t>&) {}) == TML_OK);
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>&) { h.version = 1; }) == TML_ERR_FORMAT);
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>&) { h.features_offset += 2; }) == TML_ERR_FORMAT);
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>&) { h.features_offset = 32; }) == TML_ERR_FORMAT);
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>&) { h.features_offset = h.total_size - 32; }) ==
        TML_ERR_FORMAT);
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>&) { h.features_offset = h.total_size; }) ==
        TML_ERR_FORMAT);
  // The section's size running past the blob's end (up to it is fine: the section only must fit).
  const auto section_size = [&](int past_end) {
    return status([past_end](tml_model_header& h, std::vector<uint8_t>& b) {
      const uint32_t size = h.total_size - h.features_offset + uint32_t(past_end);
      std::memcpy(b.data() + h.features_offset + 4, &size, 4);
    });
  };
  CHECK(section_size(0) == TML_OK);
  CHECK(section_size(4) == TML_ERR_FORMAT);
  // The section's output shape against the header's input: [1][75] vs a changed out_channels.
  CHECK(status([](tml_model_header& h, std::vector<uint8_t>& b) {
          const uint16_t axes = 2, channels = 50;
          std::memcpy(b.data() + h.features_offset + 10, &axes, 2);
          std::memcpy(b.data() + h.features_offset + 14, &channels, 2);
        }) == TML_ERR_FORMAT);
}

TEST_CASE("features format: an application without front-end code refuses a front end as unsupported",
          "[features][format]") {
  // tml_model_init refers to the front-end validation weakly: a program that calls no front-end function
  // links none of it and gets TML_ERR_UNSUPPORTED for a blob with a front end; one that does gets TML_OK.
  tml::test::TempDir dir;
  const std::vector<uint8_t> blob = write_model_blob(
      tml::test::front_end_model(5, FrontEnd::spectral(SpectralConfig{}).section(), 1, 75));
  {
    std::ofstream out(dir / "model.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(blob.data()), std::streamsize(blob.size()));
  }
  const std::string program =
      "#include \"tml/model.h\"\n#include <stdio.h>\n#include <string.h>\n"
      "static uint32_t words[65536];\n"
      "int main(int argc, char** argv) {\n"
      "  FILE* f = fopen(argv[1], \"rb\"); size_t n = fread(words, 1, sizeof words, f); fclose(f);\n"
      "  tml_model m;\n"
      "#ifdef USE_FEATURES\n"
      "  if (tml_features_buffer_size(NULL) != 0) return 99;\n"
      "#endif\n"
      "  printf(\"%d\\n\", tml_model_init(&m, (const uint8_t*)words, n)); return 0; }\n";
  {
    std::ofstream out(dir / "load.c");
    out << program;
  }
  const std::string inc = "-I" + (tml::test::source_dir() / "firmware" / "include").string();
  for (bool features : {false, true}) {
    const std::string exe = (dir / (features ? "with" : "without")).string();
    std::vector<std::string> argv = {"gcc", "-std=c11", "-Wall", "-Werror", inc};
    if (features) argv.push_back("-DUSE_FEATURES");
#ifdef __SANITIZE_ADDRESS__
    argv.push_back("-fsanitize=address,undefined");  // the sanitizer build's core library needs its runtime
#endif
    argv.insert(argv.end(), {(dir / "load.c").string(), tml::test::core_library().string(), "-o", exe});
    const auto built = tml::test::run(argv, 120);
    INFO(built.err);
    REQUIRE(built.exit_code == 0);
    const auto ran = tml::test::run({exe, (dir / "model.bin").string()});
    REQUIRE(ran.exit_code == 0);
    CHECK(ran.out == std::to_string(features ? TML_OK : TML_ERR_UNSUPPORTED) + "\n");
  }
}
