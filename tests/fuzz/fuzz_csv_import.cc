// Fuzz target: the CSV importer (formats/csv_format over dataset/csv_text). Every input is read as:
//   - a table (split_csv): refused only with a tml::Error naming the file; an accepted one has a header
//     and whole rows (rows x columns cells), its data lines in increasing order;
//   - a CSV file through the importer as `tml dataset import` calls it (read_import), without --rate (the
//     rate from a time column) and with --rate 100. A bad file may only be refused with a tml::Error; an
//     accepted one has a valid configuration and whole rows of finite floats, which written again
//     (format_csv) and parsed again (split_csv, parse_float) are the very same float bits.
#include <cmath>
#include <string>
#include <vector>

#include "dataset/csv_text.h"
#include "dataset/meta.h"
#include "formats/transfer.h"
#include "fuzz_files.h"
#include "fuzz_target.h"
#include "tml/trainer/error.h"

namespace {

using namespace tml::dataset;

void as_table(const std::string& text) {
  CsvText t;
  try {
    t = split_csv(text, "fuzz.csv");
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::string(e.what()).find("fuzz.csv") != std::string::npos);
    return;
  }
  TML_FUZZ_CHECK(!t.header.empty() && t.rows() > 0);
  TML_FUZZ_CHECK(t.cells.size() == t.rows() * t.header.size());
  for (size_t r = 1; r < t.rows(); ++r) TML_FUZZ_CHECK(t.line_of_row[r] > t.line_of_row[r - 1]);
}

void round_trip(const std::vector<float>& values, size_t axes) {
  std::vector<std::string> header;
  for (size_t a = 0; a < axes; ++a) header.push_back("a" + std::to_string(a));
  const std::string text = format_csv(header, values);
  CsvText t;
  try {
    t = split_csv(text, "again.csv");
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted sample is written and read back");
  }
  TML_FUZZ_CHECK(t.header == header && t.rows() * axes == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const auto v = parse_float(t.cells[i]);
    TML_FUZZ_CHECK(v && tml::fuzz::bits(*v) == tml::fuzz::bits(values[i]));
  }
}

void as_import(const std::string& text, bool with_rate) {
  const auto file = tml::fuzz::scratch() / "csv" / "walk.csv";
  tml::fuzz::put_file(file, text);
  ImportOptions opt;
  opt.format = Format::csv;
  if (with_rate) opt.rate_hz = 100;
  const auto imported = tml::fuzz::checked_import(file, opt);
  if (!imported) return;
  const ImportSet& set = *imported;
  if (with_rate) TML_FUZZ_CHECK(set.meta.rate_hz == 100);
  const size_t axes = set.meta.axes.size();
  TML_FUZZ_CHECK(set.samples.size() == 1);
  for (const PendingSample& s : set.samples) {
    TML_FUZZ_CHECK(axes > 0 && !s.values.empty() && s.values.size() % axes == 0);
    for (float v : s.values) TML_FUZZ_CHECK(std::isfinite(v));
    round_trip(s.values, axes);
  }
}

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  as_table(text);
  as_import(text, false);
  as_import(text, true);
  return 0;
}
