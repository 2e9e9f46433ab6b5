// scripts/demo.sh, shortened (fewer samples and epochs; the same steps): capture from the emulated board,
// train, quantize, export, flash, run live with every prediction checked against the host, report.
#include <catch2/catch.hpp>

#include "run_programs.h"

TEST_CASE("the demo runs the whole path on the emulated board", "[e2e][demo][slow]") {
  tml::test::TempDir out;
  auto r = tml::test::run({"env", "TML_DEMO_QUICK=1", "TML_DEMO_SKIP_BUILD=1",
                           "TML_BUILD_DIR=" + tml::test::binary_dir().string(), "TML_DEMO_OUT=" + (out / "demo").string(),
                           "bash", (tml::test::source_dir() / "scripts" / "demo.sh").string()},
                          900);
  INFO(r.out.substr(r.out.size() > 5000 ? r.out.size() - 5000 : 0) << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Accuracy  float32 ") != std::string::npos);
  CHECK(r.out.find("on the board") != std::string::npos);
  CHECK(r.out.find("identical to the host, bit for bit") != std::string::npos);
  CHECK(r.out.find("instructions per inference") != std::string::npos);
  CHECK(r.out.find("Model     flash ") != std::string::npos);
  for (const char* file : {"gestures/dataset.json", "gestures.model", "gestures.q.model", "gestures_model.h", "report.html", "run.json"})
    CHECK(std::filesystem::exists(out / "demo" / file));
  // Every board prediction matched the host: the summary line says n of n.
  const auto pos = r.out.find("predictions, ");
  REQUIRE(pos != std::string::npos);
  const int n = std::stoi(r.out.substr(r.out.rfind(' ', pos - 2) + 1));
  CHECK(r.out.find(std::to_string(n) + " of " + std::to_string(n) + " identical") != std::string::npos);
}
