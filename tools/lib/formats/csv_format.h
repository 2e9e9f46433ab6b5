// CSV import and export.
//
// Import: a CSV file holds one sample: a header row, then one row per time step. A column named
// timestamp, time or t gives the time of each row, in milliseconds (Edge Impulse's CSV convention)
// unless its name says seconds ("time_s", "t (s)", "timestamp[s]"; "_ms", " (ms)", "[ms]" say ms):
// the rate is (rows - 1) / (last - first time), rounded to 1e-6 Hz. Without a time column the rate
// must be given (--rate). Every other column is an axis; "accx (m/s2)" or "accx[m/s2]" also gives
// its unit. A folder is imported file by file (all must agree on axes, and on rate within 0.1 %), or
// through its manifest.csv (file,label,split) if it has one.
//
// Export: training/ and testing/ with one <id>.csv per sample (a timestamp column in ms, then the
// axes as "name (unit)"), and manifest.csv listing file,label,split; importing it gives back the
// same floats.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "dataset/dataset.h"
#include "formats/input_files.h"

namespace tml::dataset {

// The factor from a time column's values to seconds (0.001 for ms), or nothing if `header` does not
// name a time column.
std::optional<double> time_column_scale(const std::string& header);

// "accx (m/s2)" / "accx[m/s2]" -> {"accx", "m/s2"}; "accx" -> {"accx", ""}.
Axis axis_from_header(const std::string& header);

ImportSet read_csv(const std::filesystem::path& input, const ImportOptions& options);
void export_csv(const Dataset& d, const std::filesystem::path& out);

}  // namespace tml::dataset
