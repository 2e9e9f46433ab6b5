// WAV: 16-bit PCM mono in and out, everything else refused with a message that says what it is.
#include "dataset/wav_codec.h"

#include <catch2/catch.hpp>

#include "dataset_test_util.h"
#include "util/atomic_file.h"

using namespace tml::dataset;
using tml::test::error_of;

namespace {

void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}

// A WAV file with the given format fields, an optional extra chunk before the data, and `data`.
std::string wav(uint16_t format, uint16_t channels, uint32_t rate, uint16_t bits, const std::string& data,
                const std::string& extra_chunk = "") {
  std::string s = "RIFF";
  put32(s, static_cast<uint32_t>(36 + extra_chunk.size() + data.size()));
  s += "WAVEfmt ";
  put32(s, 16);
  put16(s, format);
  put16(s, channels);
  put32(s, rate);
  put32(s, rate * channels * bits / 8);
  put16(s, static_cast<uint16_t>(channels * bits / 8));
  put16(s, bits);
  s += extra_chunk;
  s += "data";
  put32(s, static_cast<uint32_t>(data.size()));
  return s + data;
}

}  // namespace

TEST_CASE("16-bit PCM mono encodes and decodes", "[wav]") {
  const std::vector<int16_t> pcm = {0, 1, -1, 32767, -32768, 1234};
  const std::string bytes = encode_wav(16000, pcm);
  CHECK(bytes.size() == 44 + 12);
  CHECK(bytes.substr(0, 4) == "RIFF");
  CHECK(bytes.substr(36, 4) == "data");
  const WavAudio a = decode_wav(bytes, "a.wav");
  CHECK(a.rate_hz == 16000);
  CHECK(a.samples == pcm);
}

TEST_CASE("unknown chunks are skipped odd chunks padded", "[wav]") {
  std::string list = "LIST";
  put32(list, 3);
  list += "abc";
  list += '\0';  // pad byte
  std::string data;
  put16(data, 7);
  put16(data, static_cast<uint16_t>(-7));
  const WavAudio a = decode_wav(wav(1, 1, 8000, 16, data, list), "b.wav");
  CHECK(a.rate_hz == 8000);
  CHECK(a.samples == std::vector<int16_t>{7, -7});
}

TEST_CASE("a Speech Commands clip decodes", "[wav]") {
  const auto file = tml::test::example_kws() / "yes" / "439c84f4_nohash_1.wav";
  const WavAudio a = decode_wav(tml::read_file(file), file.string());
  CHECK(a.rate_hz == 16000);
  CHECK(a.samples.size() > 10000);
  CHECK(a.samples.size() <= 16000);
}

TEST_CASE("other WAV formats are refused with what they are", "[wav]") {
  const std::string two = std::string(4, '\0');
  CHECK(error_of([&] { decode_wav(wav(1, 2, 16000, 16, two), "s.wav"); }).find("2 channels; only 16-bit PCM mono") !=
        std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(1, 1, 16000, 8, two), "s.wav"); }).find("8-bit samples") != std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(1, 1, 16000, 24, std::string(6, '\0')), "s.wav"); }).find("24-bit") !=
        std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(3, 1, 16000, 32, two), "s.wav"); }).find("floating-point") != std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(2, 1, 16000, 4, two), "s.wav"); }).find("compressed") != std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(1, 1, 16000, 16, ""), "s.wav"); }).find("no samples") != std::string::npos);
  CHECK(error_of([&] { decode_wav(wav(1, 1, 16000, 16, two).substr(0, 46), "s.wav"); }).find("truncated") !=
        std::string::npos);
  CHECK(error_of([&] { decode_wav("hello", "s.wav"); }) == "s.wav: not a WAV file (no RIFF/WAVE header)");
  std::string no_data = wav(1, 1, 16000, 16, two);
  no_data.resize(36);
  CHECK(error_of([&] { decode_wav(no_data, "s.wav"); }).find("no data chunk") != std::string::npos);
}
