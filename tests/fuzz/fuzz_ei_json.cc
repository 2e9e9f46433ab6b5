// Fuzz target: the Edge Impulse importer (formats/ei_json). Every input is read two ways:
//   - as one data acquisition file (parse_ei_json). A bad file may only be refused with a tml::Error
//     naming it. An accepted one has a positive finite interval, at least one row, whole rows of its
//     sensors, every value a finite float; written again (format_ei_json) it reads back to the very same
//     sensors, device, interval and float bits;
//   - as the info.labels of an export folder holding two good files (training/a.json, testing/b.json),
//     through the importer as `tml dataset import` calls it (read_import). A bad manifest may only be
//     refused with a tml::Error (a UsageError included); an accepted import has a valid configuration and
//     samples of whole rows of finite values, each with a label, an id and a split of train, test or "".
#include <cmath>
#include <string>

#include "dataset/meta.h"
#include "formats/ei_json.h"
#include "formats/transfer.h"
#include "fuzz_files.h"
#include "fuzz_target.h"
#include "tml/trainer/error.h"

namespace {

using namespace tml::dataset;

void check_values(const std::vector<float>& values, size_t axes) {
  TML_FUZZ_CHECK(axes > 0 && !values.empty() && values.size() % axes == 0);
  for (float v : values) TML_FUZZ_CHECK(std::isfinite(v));
}

void as_file(const std::string& text) {
  EiSample s;
  try {
    s = parse_ei_json(text, "fuzz.json");
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::string(e.what()).find("fuzz.json") != std::string::npos);
    return;
  }
  TML_FUZZ_CHECK(s.interval_ms > 0 && std::isfinite(s.interval_ms));
  check_values(s.values, s.sensors.size());
  EiSample back;
  try {
    back = parse_ei_json(format_ei_json(s, s.iat.value_or(0)), "again.json");
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted file is written and read back");
  }
  TML_FUZZ_CHECK(back.sensors == s.sensors && back.device_name == s.device_name && back.device_type == s.device_type);
  TML_FUZZ_CHECK(back.interval_ms == s.interval_ms && back.values.size() == s.values.size());
  for (size_t i = 0; i < s.values.size(); ++i) TML_FUZZ_CHECK(tml::fuzz::bits(back.values[i]) == tml::fuzz::bits(s.values[i]));
}

const char* const kGoodFile =
    R"({"protected":{"ver":"v1","alg":"none","iat":1758902163},"signature":"0",)"
    R"("payload":{"device_name":"03:72:69:C7","device_type":"DATA_FORWARDER","interval_ms":10,)"
    R"("sensors":[{"name":"accx","units":"m/s2"},{"name":"accy","units":"m/s2"}],)"
    R"("values":[[0.5,-1.25],[0.75,2],[1,-0.5]]}})";

void as_info_labels(const std::string& text) {
  const auto dir = tml::fuzz::scratch() / "ei";
  static const bool written = [&] {
    tml::fuzz::put_file(dir / "training" / "a.json", kGoodFile);
    tml::fuzz::put_file(dir / "testing" / "b.json", kGoodFile);
    return true;
  }();
  (void)written;
  tml::fuzz::put_file(dir / "info.labels", text);
  ImportOptions opt;
  opt.format = Format::ei;
  const auto imported = tml::fuzz::checked_import(dir, opt);
  if (!imported) return;
  const ImportSet& set = *imported;
  for (const PendingSample& s : set.samples) {
    check_values(s.values, set.meta.axes.size());
    TML_FUZZ_CHECK(!s.label.empty() && !s.id.empty());
    TML_FUZZ_CHECK(s.split.empty() || s.split == "train" || s.split == "test");
  }
}

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  as_file(text);
  as_info_labels(text);
  return 0;
}
