// Fuzz target: the WAV importer (formats/wav_format over dataset/wav_codec). Every input is read as:
//   - WAV bytes (decode_wav): refused only with a tml::Error naming the file; an accepted one is 16-bit
//     PCM mono with a rate and at least one sample, and written again (encode_wav: the canonical 44-byte
//     header and 2 bytes a sample) it decodes to the very same rate and samples;
//   - a .wav file through the importer as `tml dataset import` calls it (read_import): refused only with a
//     tml::Error; an accepted one is one sample of one axis ("audio", i16) at the file's rate, a valid
//     configuration, its values the decoded samples.
#include <string>
#include <vector>

#include "dataset/meta.h"
#include "dataset/wav_codec.h"
#include "formats/transfer.h"
#include "fuzz_files.h"
#include "fuzz_target.h"
#include "tml/trainer/error.h"

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  using namespace tml::dataset;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  WavAudio a;
  bool decoded = false;
  try {
    a = decode_wav(bytes, "fuzz.wav");
    decoded = true;
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::string(e.what()).find("fuzz.wav") != std::string::npos);
  }
  if (decoded) {
    TML_FUZZ_CHECK(a.rate_hz > 0 && !a.samples.empty());
    const std::string again = encode_wav(a.rate_hz, a.samples);
    TML_FUZZ_CHECK(again.size() == 44 + 2 * a.samples.size());
    try {
      const WavAudio back = decode_wav(again, "again.wav");
      TML_FUZZ_CHECK(back.rate_hz == a.rate_hz && back.samples == a.samples);
    } catch (const tml::Error&) {
      TML_FUZZ_CHECK(!"an accepted file is written and read back");
    }
  }

  const auto file = tml::fuzz::scratch() / "wav" / "yes" / "clip.wav";
  tml::fuzz::put_file(file, bytes);
  ImportOptions opt;
  opt.format = Format::wav;
  const auto imported = tml::fuzz::checked_import(file, opt);
  if (!imported) return 0;
  TML_FUZZ_CHECK(decoded);  // the importer reads no file the codec refuses
  const ImportSet& set = *imported;
  TML_FUZZ_CHECK(set.meta.axes.size() == 1 && set.meta.sample_format == "i16" && set.meta.rate_hz == a.rate_hz);
  TML_FUZZ_CHECK(set.samples.size() == 1 && set.samples[0].values.size() == a.samples.size());
  for (size_t i = 0; i < a.samples.size(); ++i) TML_FUZZ_CHECK(set.samples[0].values[i] == static_cast<float>(a.samples[i]));
  return 0;
}
