// docs/user_guide.md, part A, word for word: every ```sh block of "Part A: with the emulated board" runs
// in order in a fresh home folder, as a person following the guide would type them, and must reach a
// running model.
#include <catch2/catch.hpp>
#include <fstream>

#include "run_programs.h"
#include "util/atomic_file.h"

TEST_CASE("following the user guide with the emulated board reaches a running model", "[e2e][guide][slow]") {
  const std::string guide = tml::read_file(tml::test::source_dir() / "docs" / "user_guide.md");
  const auto a = guide.find("## Part A");
  const auto b = guide.find("## Part B");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  const std::string part = guide.substr(a, b - a);
  std::string script = "set -euo pipefail\n";
  int blocks = 0;
  for (size_t pos = part.find("```sh\n"); pos != std::string::npos; pos = part.find("```sh\n", pos)) {
    const auto end = part.find("```\n", pos + 6);
    REQUIRE(end != std::string::npos);
    script += "echo '>>> block " + std::to_string(++blocks) + "'\n" + part.substr(pos + 6, end - pos - 6);
    pos = end + 4;
  }
  REQUIRE(blocks >= 8);
  tml::test::TempDir home;
  std::ofstream(home / "guide.sh") << script;
  const auto tools = tml::test::tml_exe().parent_path();
  auto r = tml::test::run({"env", "HOME=" + home.path().string(), "PATH=" + tools.string() + ":/usr/bin:/bin",
                           "TML_STATE_DIR=" + (home / "state").string(), "bash", (home / "guide.sh").string()},
                          900);
  INFO(r.out.substr(r.out.size() > 6000 ? r.out.size() - 6000 : 0) << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  REQUIRE(r.exit_code == 0);
  const auto work = home / "tml-gestures";
  CHECK(std::filesystem::exists(work / "gestures" / "dataset.json"));
  CHECK(std::filesystem::exists(work / "gestures_model.h"));
  CHECK(std::filesystem::exists(work / "report.html"));
  CHECK(r.out.find("windows identical") != std::string::npos);  // the board ran the model, checked by the host
}
