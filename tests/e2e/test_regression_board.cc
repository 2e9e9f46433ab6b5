// A multi-output model end to end (docs/regression.md): CSV recordings with a target column imported with
// --target-column, `tml train --task multi` (a class head and a value head), quantized and exported,
// flashed into the emulated board and run on the test recordings with --verify: the board sends the
// class scores and the value, and both equal the host's bit for bit. `tml eval` reports MAE, RMSE and R2.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_programs.h"
#include "tml/trainer/random.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

// Recordings of 100 rows at 50 Hz: accx oscillates at 2 Hz ("slow") or 8 Hz ("fast"), accy sits at a
// level of the recording's own; the column "level" is 2 * that level - 1 on every row.
void write_recordings(const std::filesystem::path& dir, const std::string& label, const std::string& split, float hz,
                      int count, uint64_t seed) {
  std::filesystem::create_directories(dir);
  tml::trainer::Rng rng(seed);
  for (int i = 0; i < count; ++i) {
    std::ofstream f(dir / (label + "." + split + std::to_string(i) + ".csv"));
    f << "accx,accy,accz,level\n";
    const float level = rng.uniform(-1.0f, 1.0f);
    for (int t = 0; t < 100; ++t)
      f << std::sin(6.2832f * hz * static_cast<float>(t) / 50.0f) + 0.2f * rng.uniform(-1.0f, 1.0f) << ','
        << level + 0.2f * rng.uniform(-1.0f, 1.0f) << ',' << 0.1f * rng.uniform(-1.0f, 1.0f) << ','
        << 2.0f * level - 1.0f << '\n';
  }
}

}  // namespace

TEST_CASE("a class and value model trained with --task multi runs on the emulated board as on the host",
          "[e2e][regression]") {
  TempDir dir;
  const auto dataset = (dir / "wx").string();
  int seed = 1;
  for (const char* split : {"train", "test"})
    for (const auto& [label, hz] : {std::pair<const char*, float>{"slow", 2.0f}, {"fast", 8.0f}}) {
      const auto in = dir / "csv" / split / label;
      write_recordings(in, label, split, hz, std::string(split) == "train" ? 30 : 6, static_cast<uint64_t>(seed++));
      auto r = run_tml({"dataset", "import", in.string(), "--format", "csv", "--rate", "50", "--label", label,
                        "--split", split, "--target-column", "level", "--dataset", dataset});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(r.out.find("accelerometer") != std::string::npos);  // the sensor of the input axes
    }
  const auto manifest = nlohmann::json::parse(tml::read_file(dir / "wx" / "dataset.json"));
  CHECK(manifest["targets"] == nlohmann::json::array({"level"}));

  const auto model = (dir / "wx.model").string(), header = (dir / "wx_model.h").string();
  auto t = run_tml({"train", "--dataset", dataset, "--task", "multi", "--heads", "class,level", "--model", "conv1d",
                    "--window", "50", "--stride", "25", "--epochs", "40", "--lr", "0.003", "--out", model, "--header",
                    header, "-q"},
                   300);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("level") != std::string::npos);
  CHECK(t.out.find("MAE float") != std::string::npos);
  const std::string h = tml::read_file(header);
  CHECK(h.find("#define TML_MODEL_CLASS_COUNT 2u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_VALUE_LEVEL_CHANNEL 2u") != std::string::npos);

  auto e = run_tml({"eval", "--model", model, "--dataset", dataset, "--json", (dir / "eval.json").string()});
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  const auto ej = nlohmann::json::parse(tml::read_file(dir / "eval.json"));
  CHECK(ej["metrics"]["accuracy"].get<double>() > 0.9);
  REQUIRE(ej["metrics"]["values"].size() == 1);
  CHECK(ej["metrics"]["values"][0]["name"] == "level");
  CHECK(ej["metrics"]["values"][0]["mae"].get<double>() < 0.3);  // the targets span -3 .. 1
  CHECK(ej["metrics"]["values"][0]["r2"].get<double>() > 0.8);
  // --plot: predicted against true and the residuals, an SVG of its own.
  auto plot = run_tml({"eval", "--model", model, "--dataset", dataset, "--plot", (dir / "level.svg").string()});
  INFO(plot.out << plot.err);
  REQUIRE(plot.exit_code == 0);
  const std::string svg = tml::read_file(dir / "level.svg");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("Predicted against true: level") != std::string::npos);
  CHECK(svg.find("Residuals: level") != std::string::npos);
  CHECK(svg.find("<circle") != std::string::npos);

  auto f = run_tml({"flash", "--board", "sim", "--model", header}, 300);
  INFO(f.out << f.err);
  REQUIRE(f.exit_code == 0);
  const auto json = dir / "run.json";
  auto r = run_tml({"run", "--port", "sim", "--model", header, "--verify", "--sim-data", dataset, "--sim-split", "test",
                    "--sim-fast", "--seconds", "20", "--json", json.string()},
                   300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("level = ") != std::string::npos);
  CHECK(r.out.find("scores and values bit for bit") != std::string::npos);
  const auto j = nlohmann::json::parse(tml::read_file(json));
  CHECK(j["values"] == nlohmann::json::array({"level"}));
  REQUIRE(j["predictions"].size() >= 30);
  for (const auto& p : j["predictions"]) {
    CHECK(p["host_agrees"] == true);
    REQUIRE(p["values"].size() == 1);
    CHECK(std::isfinite(p["values"][0].get<double>()));
    CHECK(p["scores"].size() == 2);
  }

  // A model of a value head alone: no class scores, the value checked bit for bit all the same.
  const auto rain = (dir / "level_model.h").string();
  auto t2 = run_tml({"train", "--dataset", dataset, "--task", "regression", "--model", "dense", "--window", "50",
                     "--stride", "25", "--epochs", "20", "--header", rain, "-q"},
                    300);
  INFO(t2.out << t2.err);
  REQUIRE(t2.exit_code == 0);
  CHECK(tml::read_file(rain).find("#define TML_MODEL_CLASS_COUNT 0u") != std::string::npos);
  REQUIRE(run_tml({"flash", "--board", "sim", "--model", rain}, 300).exit_code == 0);
  auto r2 = run_tml({"run", "--port", "sim", "--model", rain, "--verify", "--sim-data", dataset, "--sim-split", "test",
                     "--sim-fast", "--seconds", "10", "--json", json.string()},
                    300);
  INFO(r2.out << r2.err);
  REQUIRE(r2.exit_code == 0);
  const auto j2 = nlohmann::json::parse(tml::read_file(json));
  REQUIRE(j2["predictions"].size() >= 10);
  for (const auto& p : j2["predictions"]) {
    CHECK(p["host_agrees"] == true);
    CHECK(p["scores"].empty());
    CHECK(p["values"].size() == 1);
  }
}
