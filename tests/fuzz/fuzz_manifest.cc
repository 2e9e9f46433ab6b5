// Fuzz target: the dataset manifest's reader (dataset::parse_manifest, what Dataset::open reads
// dataset.json with). A bad manifest may only be refused with a tml::Error naming the file. For every
// manifest it accepts:
//   - the configuration is usable (validate_meta), every sample's split is train or test, its file is
//     data/<label>/<id>.csv or .wav, and no id comes twice;
//   - written again (manifest_text) it reads back to a manifest that writes the very same text.
#include <set>
#include <string>

#include "dataset/manifest.h"
#include "fuzz_target.h"
#include "tml/trainer/error.h"

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  using namespace tml::dataset;
  Manifest m;
  try {
    m = parse_manifest(text, "ds/dataset.json");
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::string(e.what()).find("dataset.json") != std::string::npos);
    return 0;
  }
  try {
    validate_meta(m.meta);
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted manifest's configuration is valid");
  }
  std::set<std::string> ids;
  for (const SampleInfo& s : m.samples) {
    TML_FUZZ_CHECK(ids.insert(s.id).second);
    TML_FUZZ_CHECK(s.split == "train" || s.split == "test");
    const std::string stem = "data/" + s.label + "/" + s.id;
    TML_FUZZ_CHECK(s.file == stem + ".csv" || s.file == stem + ".wav");
  }
  const std::string again = manifest_text(m.meta, m.samples);
  try {
    const Manifest back = parse_manifest(again, "again/dataset.json");
    TML_FUZZ_CHECK(back.samples.size() == m.samples.size());
    TML_FUZZ_CHECK(manifest_text(back.meta, back.samples) == again);
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted manifest is written and read back");
  }
  return 0;
}
