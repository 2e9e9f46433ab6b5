#include "formats/wav_format.h"

#include <cmath>
#include <limits>

#include "dataset/csv_text.h"
#include "dataset/wav_codec.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::dataset {
namespace fs = std::filesystem;

ImportSet read_wav(const fs::path& input, const ImportOptions& opt) {
  ImportSet set;
  set.meta.sensor = "microphone";
  set.meta.axes = {{"audio", "PCM"}};
  set.meta.sample_format = "i16";
  std::string first;
  for (const auto& lf : labelled_files(input, ".wav", opt)) {
    const std::string origin = lf.file.path.string();
    WavAudio a = decode_wav(read_file(lf.file.path), origin);
    if (first.empty()) {
      first = origin;
      set.meta.rate_hz = a.rate_hz;
    } else if (a.rate_hz != set.meta.rate_hz) {
      throw Error(origin + " is recorded at " + std::to_string(a.rate_hz) + " Hz, but " + first + " at " +
                  format_double(set.meta.rate_hz) + " Hz; resample it or import it into another dataset");
    }
    PendingSample s;
    s.origin = origin;
    s.label = lf.label;
    s.id = lf.id;
    s.split = lf.split;
    s.values.assign(a.samples.begin(), a.samples.end());
    set.samples.push_back(std::move(s));
  }
  return set;
}

void export_wav(const Dataset& d, const fs::path& out) {
  const Meta& m = d.meta();
  if (m.axes.size() != 1 || m.sample_format != "i16")
    throw Error("WAV export needs a dataset of one axis in 16-bit samples (i16); " + d.dir().string() + " holds " +
                describe(m) + ". Export it as csv or ei instead");
  if (m.rate_hz != std::floor(m.rate_hz) || m.rate_hz > std::numeric_limits<uint32_t>::max())
    throw Error("WAV export needs a whole-number sample rate; " + d.dir().string() + " is " + format_double(m.rate_hz) +
                " Hz");
  for (const char* sub : {"training", "testing"}) fs::create_directories(out / sub);
  std::vector<ManifestRow> rows;
  for (const auto& info : d.samples()) {
    const Sample s = d.load(info);
    std::vector<int16_t> pcm(s.values.size());
    for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>(s.values[i]);  // i16: checked on add
    const std::string rel = export_path(info, ".wav");
    write_file_atomic(out / rel, encode_wav(static_cast<uint32_t>(m.rate_hz), pcm));
    rows.push_back(ManifestRow{rel, info.label, info.split, 0});
  }
  write_file_atomic(out / kManifestCsv, format_manifest_csv(rows));
}

}  // namespace tml::dataset
