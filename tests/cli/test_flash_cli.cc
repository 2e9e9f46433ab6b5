// tml flash checks what it is given before it touches the installed firmware: a header whose blob is
// damaged is refused, and the emulated board's installed image stays byte for byte what it was.
#include <catch2/catch.hpp>
#include <fstream>

#include "reference_models.h"
#include "run_programs.h"
#include "tml/trainer/model_header.h"
#include "util/atomic_file.h"

TEST_CASE("a failed flash leaves the installed firmware as it was", "[flash]") {
  tml::test::TempDir dir;
  const auto blob = tml::trainer::write_model_blob(tml::test::conv1d_model(5));
  tml::trainer::HeaderInfo info;
  info.sensor = 1;
  info.rate_millihz = 104000;
  info.stride_rows = 52;
  info.axes = {"accx", "accy", "accz"};
  std::string text = tml::trainer::model_header(blob, info);
  // One byte of the blob changed, deep in the weights.
  const size_t at = text.find("0x", text.find("tml_model_blob[") + 2000);
  REQUIRE(at != std::string::npos);
  text[at + 3] = text[at + 3] == '0' ? '1' : '0';
  const auto header = dir / "damaged.h";
  std::ofstream(header) << text;

  // What an earlier flash installed.
  const auto image = tml::test::tml_state_dir() / "sim" / "firmware.elf";
  std::filesystem::create_directories(image.parent_path());
  tml::write_file_atomic(image, "the firmware that works");
  const auto r = tml::test::run_tml({"flash", "--board", "sim", "--model", header.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("invalid") != std::string::npos);
  CHECK(tml::read_file(image) == "the firmware that works");
}
