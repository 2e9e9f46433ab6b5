// Numbers as text and delimited tables: shortest float32 decimals, strict parsing, CSV splitting.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>

#include "dataset/csv_text.h"
#include "dataset_test_util.h"

using namespace tml::dataset;
using tml::test::error_of;

TEST_CASE("floats print with the fewest digits laid out as JavaScript does", "[csv]") {
  CHECK(format_float(0.5786f) == "0.5786");
  CHECK(format_float(-1.9986f) == "-1.9986");
  CHECK(format_float(0.0009f) == "0.0009");
  CHECK(format_float(1e-5f) == "0.00001");
  CHECK(format_float(1e-6f) == "0.000001");
  CHECK(format_float(1e-7f) == "1e-7");
  CHECK(format_float(1.5e-7f) == "1.5e-7");
  CHECK(format_float(104.0f) == "104");
  CHECK(format_float(0.0f) == "0");
  CHECK(format_float(-0.0f) == "-0");
  CHECK(format_float(1.0f / 3) == "0.33333334");
  CHECK(format_float(16777216.0f) == "16777216");
  CHECK(format_float(1e20f) == "100000000000000000000");
  CHECK(format_float(1e21f) == "1e+21");
  CHECK(format_float(FLT_MAX) == "3.4028235e+38");
  CHECK(format_float(FLT_TRUE_MIN) == "1e-45");
  CHECK(format_float(-32768.0f) == "-32768");
  CHECK(format_float(123.456f) == "123.456");
}

TEST_CASE("every float32 survives format and parse bit for bit", "[csv]") {
  std::mt19937 rng(1234);
  int checked = 0;
  for (int i = 0; i < 300000; ++i) {
    uint32_t bits = rng();
    float f;
    std::memcpy(&f, &bits, 4);
    if (!std::isfinite(f)) continue;
    const std::string text = format_float(f);
    auto back = parse_float(text);
    REQUIRE(back);
    uint32_t back_bits;
    std::memcpy(&back_bits, &*back, 4);
    INFO(text);
    REQUIRE(back_bits == bits);
    ++checked;
  }
  CHECK(checked > 290000);
}

TEST_CASE("parsing accepts numbers only", "[csv]") {
  CHECK(parse_float("0.5786") == 0.5786f);
  CHECK(parse_float("+2") == 2.0f);
  CHECK(parse_float("-1e-05") == -1e-5f);
  CHECK(parse_float("7") == 7.0f);
  for (const char* bad : {"", "abc", "1.2.3", "nan", "NaN", "inf", "-inf", "1e39", "1,5", " 1", "1 ", "++1", "0x10"}) {
    INFO(bad);
    CHECK_FALSE(parse_float(bad));
  }
  CHECK(parse_double("9.615384615384615") == 9.615384615384615);
  CHECK_FALSE(parse_double("1e400"));
}

TEST_CASE("a CSV text splits into header and cells", "[csv]") {
  const std::string text = "\xEF\xBB\xBFtimestamp, accx ,\"accy\"\r\n0,1,2\r\n\n10,3, 4\n";
  CsvText t = split_csv(text, "x.csv");
  CHECK(t.header == std::vector<std::string>{"timestamp", "accx", "accy"});
  REQUIRE(t.rows() == 2);
  CHECK(t.cell(1, 2) == "4");
  CHECK(t.line_of_row == std::vector<size_t>{2, 4});
  CHECK(split_csv("a\tb\n1\t2\n", "t.tsv").cell(0, 1) == "2");
  CHECK(split_csv("a;b\n1;2\n", "s.csv").cell(0, 1) == "2");
  CsvText q = split_csv("file,label\n\"a,b.csv\",\"say \"\"hi\"\"\"\n", "m.csv");
  CHECK(q.cell(0, 0) == "a,b.csv");
  CHECK(csv_unquote(q.cell(0, 1)) == "say \"hi\"");
  CHECK(csv_field("say \"hi\", twice") == "\"say \"\"hi\"\", twice\"");
  CHECK(csv_field("plain") == "plain");
}

TEST_CASE("malformed CSV text is refused with the file and line", "[csv]") {
  CHECK(error_of([] { split_csv("", "e.csv"); }) == "e.csv: the file is empty");
  CHECK(error_of([] { split_csv("a,b\n", "e.csv"); }) == "e.csv: no data rows after the header row");
  CHECK(error_of([] { split_csv("1,2\n3,4\n", "e.csv"); }).find("needs a header row") != std::string::npos);
  CHECK(error_of([] { split_csv("a,b\n1,2\n3\n", "e.csv"); }) ==
        "e.csv line 3: 1 values, expected 2 (one per column of the header row)");
  CHECK(error_of([] { split_csv("a,a\n1,2\n", "e.csv"); }).find("appears twice") != std::string::npos);
  CHECK(error_of([] { split_csv("a,,b\n1,2,3\n", "e.csv"); }).find("empty column name") != std::string::npos);
}

TEST_CASE("format_csv writes a header and one line per row", "[csv]") {
  CHECK(format_csv({"x", "y"}, {1, 0.5f, -2, 1e-7f}) == "x,y\n1,0.5\n-2,1e-7\n");
}
