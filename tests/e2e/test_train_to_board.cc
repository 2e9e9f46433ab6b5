// The whole path on the example gestures: `tml train --header` (train, quantize, export), `tml flash` of the
// header into the emulated board, `tml run --verify` on the test recordings of one gesture. The board's
// scores equal the host's for every window, and the board recognises the gesture.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

TEST_CASE("a model from tml train --header runs on the emulated board as on the host", "[e2e][flash]") {
  TempDir dir;
  const auto header = (dir / "gestures_model.h").string();
  auto t = run_tml({"train", "--dataset", tml::test::example_gestures().string(), "--model", "conv1d", "--header", header,
                    "-q"});
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  auto f = run_tml({"flash", "--board", "sim", "--model", header}, 300);
  INFO(f.out << f.err);
  REQUIRE(f.exit_code == 0);
  CHECK(f.out.find("arena 1600 bytes") != std::string::npos);

  const auto json = dir / "run.json";
  auto r = run_tml({"run", "--port", "sim", "--model", header, "--verify", "--sim-split", "test", "--sim-label", "flick",
                    "--sim-fast", "--seconds", "30", "--json", json.string(), "--quiet"},
                   300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(tml::read_file(json));
  const auto labels = j["labels"].get<std::vector<std::string>>();
  REQUIRE(labels == std::vector<std::string>{"circle", "flick", "idle", "updown"});
  size_t flick = 0;
  for (const auto& p : j["predictions"]) {
    CHECK(p["host_agrees"] == true);
    flick += p["top"] == 1 ? 1 : 0;
  }
  REQUIRE(!j["predictions"].empty());
  CHECK(flick >= j["predictions"].size() * 9 / 10);
}
