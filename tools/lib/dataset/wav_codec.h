// WAV files as the dataset keeps audio: RIFF/WAVE, PCM, 16-bit signed little-endian, one channel.
// Other WAV variants (stereo, 8/24/32-bit, float, compressed) are refused with a message that says
// what the file is, so the user knows what to convert.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tml::dataset {

struct WavAudio {
  uint32_t rate_hz = 0;
  std::vector<int16_t> samples;
};

// Decodes a whole WAV file. Throws tml::Error naming `origin` if it is not 16-bit PCM mono, is
// truncated, or holds no samples. Unknown chunks (LIST, fact, ...) are skipped.
WavAudio decode_wav(std::string_view bytes, const std::string& origin);

// Encodes 16-bit PCM mono: the canonical 44-byte header, then the samples.
std::string encode_wav(uint32_t rate_hz, const std::vector<int16_t>& samples);

}  // namespace tml::dataset
