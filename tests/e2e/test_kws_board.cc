// Keyword spotting end to end on the emulated board: `tml train --features mfcc --header` on the shipped
// kws-mini clips (the MFCC front end recorded in the model and in the blob), `tml flash` of the header,
// and `tml run --verify` replaying the test clips: the board computes each feature frame once as the
// audio arrives and classifies every stride; the host runs the same blob's front end and network on the
// same samples, and every window's scores are identical, bit for bit.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

TEST_CASE("an MFCC model's predictions on the emulated board equal the host's bit for bit", "[e2e][flash][kws]") {
  TempDir dir;
  const auto data = (tml::test::source_dir() / "datasets" / "kws-mini").string();
  const auto model = (dir / "kws.model").string(), header = (dir / "kws_model.h").string();
  auto t = run_tml({"train", "--dataset", data, "--features", "mfcc", "--model", "dscnn", "--epochs", "3", "--batch",
                    "8", "--out", model, "--header", header, "-q"},
                   300);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.err.find("mfcc front end [49][10]") != std::string::npos);
  CHECK(tml::read_file(model).find("\"front_end\"") != std::string::npos);
  const std::string h = tml::read_file(header);
  CHECK(h.find("#define TML_MODEL_WINDOW_ROWS 16000u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_FEATURES_KIND 2") != std::string::npos);

  auto f = run_tml({"flash", "--board", "sim", "--model", header}, 300);
  INFO(f.out << f.err);
  REQUIRE(f.exit_code == 0);

  const auto json = dir / "run.json";
  auto r = run_tml({"run", "--port", "sim", "--model", header, "--verify", "--sim-data", data, "--sim-split", "test",
                    "--sim-fast", "--seconds", "6", "--json", json.string(), "--quiet"},
                   300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(tml::read_file(json));
  REQUIRE(j["predictions"].size() >= 8);
  for (const auto& p : j["predictions"]) {
    CHECK(p["host_agrees"] == true);
    CHECK(p["first_index"].get<uint32_t>() % 8000 == 0);  // a window every half second
  }
  CHECK(j["summary"]["identical"] == j["summary"]["checked"]);
}
