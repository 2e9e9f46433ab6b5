// kill -9 at many moments of a `tml dataset import` into a new folder, each followed by a full check:
// the folder is absent, or a dataset that loads, matches its files and holds no partial file, or what a
// killed creation leaves; and the import run again always completes it (before: "the folder has other
// files and no dataset.json" after 14 of 39 kills).
#include <catch2/catch.hpp>

#include "dataset/dataset.h"
#include "run_programs.h"

namespace fs = std::filesystem;
using tml::test::run;
using tml::test::run_tml;

namespace {

// Checks everything a reader of `dir` may see, and returns its sample count.
size_t check_dataset(const fs::path& dir) {
  const auto ds = tml::dataset::Dataset::open(dir);
  CHECK(ds.orphans().empty());
  CHECK(ds.missing().empty());
  for (const auto& s : ds.samples()) CHECK_NOTHROW(ds.load(s));
  return ds.samples().size();
}

void kill_loop(int kills) {
  tml::test::TempDir tmp;
  const std::string src = tml::test::example_gestures().string();
  const fs::path whole = tmp / "whole";
  REQUIRE(run_tml({"dataset", "import", src, "--dataset", whole.string()}).exit_code == 0);
  const size_t expected = check_dataset(whole);
  REQUIRE(expected > 0);

  int killed = 0;
  for (int k = 0; k < kills; ++k) {
    const fs::path dir = tmp / ("ds" + std::to_string(k));
    const std::string after = std::to_string(0.01 + 0.6 * k / kills);  // seconds into the import
    const auto r = run({"timeout", "-s", "KILL", after, tml::test::tml_exe().string(), "dataset", "import", src,
                        "--dataset", dir.string()});
    INFO("kill after " << after << " s: exit " << r.exit_code << " " << r.err);
    killed += r.exit_code == 137;
    REQUIRE((r.exit_code == 0 || r.exit_code == 137));
    if (tml::dataset::Dataset::exists(dir)) {  // the import got as far as its manifest: complete
      CHECK(check_dataset(dir) == expected);
      continue;
    }
    // No manifest: nothing or a killed creation, and the import run again completes it.
    const auto again = run_tml({"dataset", "import", src, "--dataset", dir.string()});
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(check_dataset(dir) == expected);
  }
  CHECK(killed > 0);  // some kills landed during the import
}

}  // namespace

TEST_CASE("an import killed at any moment leaves a folder the next import completes", "[kill]") { kill_loop(4); }

TEST_CASE("an import killed at any moment leaves a folder the next import completes: 24 kills", "[kill][slow]") {
  kill_loop(24);
}
