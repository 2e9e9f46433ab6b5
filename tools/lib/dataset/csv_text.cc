#include "dataset/csv_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>

#include "tml/trainer/error.h"

namespace tml::dataset {

std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

bool blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// Splits one line at `delim` into trimmed cells, appended to `out`; returns how many.
// A delimiter inside double quotes does not split.
size_t split_line(std::string_view line, char delim, std::vector<std::string_view>& out) {
  size_t n = 0;
  size_t start = 0;
  while (true) {
    size_t end = start;
    bool quoted = false;
    while (end < line.size() && (quoted || line[end] != delim)) {
      if (line[end] == '"') quoted = !quoted;
      ++end;
    }
    out.push_back(trim(line.substr(start, end - start)));
    ++n;
    if (end == line.size()) break;
    start = end + 1;
  }
  return n;
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  T v{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

void append_float(std::string& out, float v) {
  // The shortest digits that read back as `v`, from to_chars in scientific form: [-]d[.ddd]e(+|-)xx.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  if (s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  const size_t e = s.find('e');
  char digits[16];
  int k = 0;
  for (char c : s.substr(0, e))
    if (c != '.') digits[k++] = c;
  int exp10 = 0;
  for (char c : s.substr(e + 2)) exp10 = exp10 * 10 + (c - '0');
  if (s[e + 1] == '-') exp10 = -exp10;
  if (k == 1 && digits[0] == '0') {
    out += '0';
    return;
  }
  // Laid out like JavaScript's Number.prototype.toString (the writer of Edge Impulse's files): plain
  // notation for 1e-7 <= |v| < 1e21, else d.ddde+-x. n is the position of the decimal point.
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out.append(digits, static_cast<size_t>(k));
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, static_cast<size_t>(n));
    out += '.';
    out.append(digits + n, static_cast<size_t>(k - n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits, static_cast<size_t>(k));
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits + 1, static_cast<size_t>(k - 1));
    }
    out += n - 1 < 0 ? "e-" : "e+";
    out += std::to_string(std::abs(n - 1));
  }
}

void append_double(std::string& out, double v) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

std::string format_float(float v) {
  std::string s;
  append_float(s, v);
  return s;
}

std::string format_double(double v) {
  std::string s;
  append_double(s, v);
  return s;
}

std::optional<float> parse_float(std::string_view text) { return parse_number<float>(text); }
std::optional<double> parse_double(std::string_view text) { return parse_number<double>(text); }

CsvText split_csv(std::string_view text, const std::string& origin) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvText t;
  size_t pos = 0;
  size_t line_no = 0;
  bool have_header = false;
  std::vector<std::string_view> row;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (blank(line)) continue;
    if (!have_header) {
      t.delimiter = line.find(',') != std::string_view::npos    ? ','
                    : line.find('\t') != std::string_view::npos ? '\t'
                    : line.find(';') != std::string_view::npos  ? ';'
                                                                : ',';
      row.clear();
      split_line(line, t.delimiter, row);
      bool all_numbers = true;
      std::set<std::string_view> seen;
      for (auto name : row) {
        if (name.empty())
          throw Error(origin + " line " + std::to_string(line_no) + ": the header row has an empty column name");
        if (!seen.insert(name).second)
          throw Error(origin + " line " + std::to_string(line_no) + ": column '" + std::string(name) +
                      "' appears twice in the header row");
        if (!parse_double(name)) all_numbers = false;
        t.header.emplace_back(name);
      }
      if (all_numbers)
        throw Error(origin + ": the first row holds numbers, not column names; a CSV file needs a header row "
                             "(for example: timestamp,accx,accy,accz)");
      have_header = true;
      continue;
    }
    size_t n = split_line(line, t.delimiter, t.cells);
    if (n != t.header.size())
      throw Error(origin + " line " + std::to_string(line_no) + ": " + std::to_string(n) + " values, expected " +
                  std::to_string(t.header.size()) + " (one per column of the header row)");
    t.line_of_row.push_back(line_no);
  }
  if (!have_header) throw Error(origin + ": the file is empty");
  if (t.rows() == 0) throw Error(origin + ": no data rows after the header row");
  return t;
}

std::string format_csv(const std::vector<std::string>& header, const std::vector<float>& values) {
  std::string out;
  const size_t cols = header.size();
  out.reserve(values.size() * 9 + 64);
  for (size_t c = 0; c < cols; ++c) {
    if (c) out += ',';
    out += header[c];
  }
  out += '\n';
  for (size_t i = 0; i < values.size(); ++i) {
    append_float(out, values[i]);
    out += (i % cols == cols - 1) ? '\n' : ',';
  }
  return out;
}

std::string csv_unquote(std::string_view cell) {
  std::string out;
  for (size_t i = 0; i < cell.size(); ++i) {
    out += cell[i];
    if (cell[i] == '"' && i + 1 < cell.size() && cell[i + 1] == '"') ++i;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace tml::dataset
