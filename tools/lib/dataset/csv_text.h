// Numbers as text and comma-separated tables: what the dataset's .csv sample files and the CSV importer
// read and write.
//
// Floats are written with the FEWEST digits that read back as the same float32 (std::to_chars), so
// 0.5786f is "0.5786", never "0.57859998941421509", and parse_float(format_float(x)) == x for every
// finite x. The digits are laid out as JavaScript prints numbers (Edge Impulse's files are written by
// JavaScript): plain notation for 1e-7 <= |x| < 1e21 ("0.0009", "104", "0.00001"), else exponent
// notation ("1e-7", "3.4028235e+38"); -0 stays "-0". Text is parsed straight to float (correctly
// rounded), never through double.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tml::dataset {

// Appends the shortest round-tripping decimal of a float32 (layout above) / a double (std::to_chars).
void append_float(std::string& out, float v);
void append_double(std::string& out, double v);
std::string format_float(float v);
std::string format_double(double v);

// Parses a whole token ("0.5786", "-1", "1e-05", "+2") as float32 / double. Returns nothing for text
// that is not a number, for NaN and infinities, and for values outside the type's finite range.
std::optional<float> parse_float(std::string_view text);
std::optional<double> parse_double(std::string_view text);

// ASCII letters of s in lower case (file extensions, column and axis names compare case-blind).
std::string lowercase(std::string s);

// A delimited text table split into cells (views into the source text, trimmed of spaces and of one
// pair of surrounding double quotes; a delimiter inside quotes does not split). The delimiter is taken from the header row: ',' if it has one,
// else TAB, else ';'. Blank lines are skipped; a UTF-8 byte-order mark and CR line ends are accepted.
struct CsvText {
  char delimiter = ',';
  std::vector<std::string> header;
  std::vector<std::string_view> cells;  // row-major, rows() x header.size()
  std::vector<size_t> line_of_row;      // 1-based line number of each data row in the file

  size_t rows() const { return line_of_row.size(); }
  std::string_view cell(size_t row, size_t col) const { return cells[row * header.size() + col]; }
};

// Splits `text` (which must outlive the result). Throws tml::Error naming `origin` for an empty file, a
// header that is all numbers (no header row), empty or duplicate column names, a row with the wrong
// number of cells, or no data rows.
CsvText split_csv(std::string_view text, const std::string& origin);

// Writes a numeric table: the header row, then one row per time step (values row-major, `columns`
// values per row), comma-separated, '\n' line ends.
std::string format_csv(const std::vector<std::string>& header, const std::vector<float>& values);

// Quotes a CSV field if it holds a comma, a double quote, or a line break ("a,b" -> "\"a,b\"").
std::string csv_field(const std::string& text);

// A quoted cell's text with each doubled quote ("") made single.
std::string csv_unquote(std::string_view cell);

}  // namespace tml::dataset
