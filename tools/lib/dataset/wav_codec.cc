#include "dataset/wav_codec.h"

#include "tml/trainer/error.h"

namespace tml::dataset {
namespace {

uint32_t le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3])) << 24;
}

uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8);
}

void put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatFloat = 3;
constexpr uint16_t kFormatExtensible = 0xFFFE;

}  // namespace

WavAudio decode_wav(std::string_view b, const std::string& origin) {
  const std::string want = "; only 16-bit PCM mono WAV is supported (convert it, e.g. with sox or ffmpeg)";
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE")
    throw Error(origin + ": not a WAV file (no RIFF/WAVE header)");
  bool have_fmt = false;
  uint32_t rate = 0;
  size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const std::string_view id = b.substr(pos, 4);
    const uint32_t size = le32(b, pos + 4);
    const size_t body = pos + 8;
    if (id == "fmt ") {
      if (size < 16 || body + size > b.size()) throw Error(origin + ": truncated WAV format chunk");
      uint16_t format = le16(b, body);
      const uint16_t channels = le16(b, body + 2);
      rate = le32(b, body + 4);
      const uint16_t bits = le16(b, body + 14);
      if (format == kFormatExtensible && size >= 26) format = le16(b, body + 24);  // the sub-format GUID
      if (format == kFormatFloat)
        throw Error(origin + ": " + std::to_string(bits) + "-bit floating-point WAV" + want);
      if (format != kFormatPcm)
        throw Error(origin + ": compressed WAV (format code " + std::to_string(format) + ")" + want);
      if (channels != 1) throw Error(origin + ": " + std::to_string(channels) + " channels" + want);
      if (bits != 16) throw Error(origin + ": " + std::to_string(bits) + "-bit samples" + want);
      if (rate == 0) throw Error(origin + ": WAV header gives a sample rate of 0");
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) throw Error(origin + ": WAV data chunk before its format chunk");
      if (body + size > b.size())
        throw Error(origin + ": truncated WAV file (the data chunk claims " + std::to_string(size) + " bytes, " +
                    std::to_string(b.size() - body) + " are there)");
      if (size % 2 != 0) throw Error(origin + ": WAV data chunk of odd length " + std::to_string(size));
      if (size == 0) throw Error(origin + ": WAV file holds no samples");
      WavAudio a;
      a.rate_hz = rate;
      a.samples.resize(size / 2);
      for (size_t i = 0; i < a.samples.size(); ++i) a.samples[i] = static_cast<int16_t>(le16(b, body + 2 * i));
      return a;
    }
    pos = body + size + (size & 1);  // chunks are padded to even length
  }
  throw Error(origin + (have_fmt ? ": WAV file has no data chunk" : ": WAV file has no format chunk"));
}

std::string encode_wav(uint32_t rate_hz, const std::vector<int16_t>& samples) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, kFormatPcm);
  put16(out, 1);  // channels
  put32(out, rate_hz);
  put32(out, rate_hz * 2);  // byte rate
  put16(out, 2);            // block align
  put16(out, 16);           // bits per sample
  out += "data";
  put32(out, data_bytes);
  for (int16_t s : samples) put16(out, static_cast<uint16_t>(s));
  return out;
}

}  // namespace tml::dataset
