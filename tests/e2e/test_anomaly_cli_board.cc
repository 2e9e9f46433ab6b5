// Anomaly detection end to end through the CLI (docs/anomaly.md): `tml train --task anomaly` on the shipped
// gestures with three labels as normal operation, for the K-means and the autoencoder method, then `tml
// eval` (ROC AUC of the held-out label, the score histogram, --plot), `tml report` (its histograms and ROC
// curve), and the exported header flashed into the emulated board and run with --verify on the test
// recordings: every window's anomaly score, threshold, cluster and flag equal the host's bit for bit. A
// classifier carrying a K-means block (`--anomaly kmeans`) is verified the same way; bad input is refused.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

void flash_and_verify(const std::string& header, const std::string& dataset, const std::filesystem::path& json) {
  auto f = run_tml({"flash", "--board", "sim", "--model", header}, 300);
  INFO(f.out << f.err);
  REQUIRE(f.exit_code == 0);
  auto r = run_tml({"run", "--port", "sim", "--model", header, "--verify", "--sim-data", dataset, "--sim-split", "test",
                    "--sim-fast", "--seconds", "15", "--json", json.string()},
                   300);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("anomaly scores bit for bit") != std::string::npos);
  CHECK(r.out.find("anomaly ") != std::string::npos);  // the live score on every line
  const auto j = nlohmann::json::parse(tml::read_file(json));
  REQUIRE(j["predictions"].size() >= 10);
  for (const auto& p : j["predictions"]) {
    CHECK(p["host_agrees"] == true);
    REQUIRE(p.contains("anomaly"));
    CHECK(p["anomaly"]["threshold"].get<double>() > 0);
  }
}

}  // namespace

TEST_CASE("anomaly detectors trained with tml train --task anomaly score on the board as on the host",
          "[e2e][anomaly]") {
  TempDir dir;
  const std::string dataset = (dir / "g").string();
  REQUIRE(run_tml({"dataset", "import", (tml::test::source_dir() / "datasets" / "gestures-ei").string(), "--dataset",
                   dataset})
              .exit_code == 0);
  for (const char* method : {"kmeans", "autoencoder"}) {
    DYNAMIC_SECTION(method) {
      const std::string model = (dir / (std::string(method) + ".q.model")).string();
      const std::string header = (dir / (std::string(method) + "_model.h")).string();
      auto t = run_tml({"train", "--dataset", dataset, "--task", "anomaly", "--anomaly", method, "--features", "spectral",
                        "--spectral-stats", "all", "--peaks", "0", "--clusters", "2", "--normal", "flick,idle,updown",
                        "--stride", "0.5s", "--out", model, "--header", header, "--json", (dir / "train.json").string()},
                       300);
      INFO(t.out << t.err);
      REQUIRE(t.exit_code == 0);
      CHECK(t.out.find("ROC AUC") != std::string::npos);
      const auto tj = nlohmann::json::parse(tml::read_file(dir / "train.json"));
      CHECK(tj["method"] == method);
      CHECK(tj["test"]["anomalous_labels"] == nlohmann::json::array({"circle"}));
      CHECK(tj["test"]["auc"].get<double>() > 0.9);  // circle against the three normal gestures
      CHECK(tj["test"]["false_alarms"].get<double>() < 0.05);
      CHECK(tml::read_file(header).find("#define TML_MODEL_CLASS_COUNT 0u") != std::string::npos);

      // tml eval: the model's normal labels are known, so circle is the fault without being named.
      auto e = run_tml({"eval", "--model", model, "--dataset", dataset, "--json", (dir / "eval.json").string(), "--plot",
                        (dir / "scores.svg").string()});
      INFO(e.out << e.err);
      REQUIRE(e.exit_code == 0);
      CHECK(e.out.find("Scores") != std::string::npos);  // the histogram
      const auto ej = nlohmann::json::parse(tml::read_file(dir / "eval.json"));
      CHECK(ej["auc"] == tj["test"]["auc"]);
      CHECK(ej["normal_scores"].size() == 306);
      CHECK(ej["anomalous_scores"].size() == 102);
      const std::string svg = tml::read_file(dir / "scores.svg");
      CHECK(svg.find("ROC curve (AUC") != std::string::npos);
      CHECK(svg.find("Anomaly scores (") != std::string::npos);
      // --anomalous names the faults itself: idle, trained as normal, now counts as a fault too.
      auto e2 = run_tml({"eval", "--model", model, "--dataset", dataset, "--anomalous", "circle,idle"});
      CHECK(e2.out.find("204 normal and 204 anomalous windows (circle, idle)") != std::string::npos);
      auto rep = run_tml({"report", "--dataset", dataset, "--model", model, "--out", (dir / "r.html").string()});
      INFO(rep.out << rep.err);
      REQUIRE(rep.exit_code == 0);
      CHECK(tml::read_file(dir / "r.html").find("Anomaly detection") != std::string::npos);

      flash_and_verify(header, dataset, dir / "run.json");
    }
  }
}

TEST_CASE("a classifier with --anomaly kmeans reports its label and its anomaly score on the board",
          "[e2e][anomaly]") {
  TempDir dir;
  const std::string dataset = (tml::test::source_dir() / "datasets" / "gestures-ei").string();
  const std::string header = (dir / "g_model.h").string();
  auto t = run_tml({"train", "--dataset", dataset, "--features", "spectral", "--model", "dense", "--anomaly", "kmeans",
                    "--clusters", "4", "--epochs", "15", "--header", header, "-q"},
                   300);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("anomaly block") != std::string::npos);  // in the flash figures
  CHECK(tml::read_file(header).find("#define TML_MODEL_CLASS_COUNT 4u") != std::string::npos);
  flash_and_verify(header, dataset, dir / "run.json");
}

TEST_CASE("tml train --task anomaly refuses what cannot make a detector", "[cli][anomaly]") {
  TempDir dir;
  const std::string dataset = (tml::test::source_dir() / "datasets" / "gestures-ei").string();
  const std::string out = (dir / "a.q.model").string();
  auto no_features = run_tml({"train", "--dataset", dataset, "--task", "anomaly", "--out", out});
  CHECK(no_features.exit_code != 0);
  CHECK(no_features.err.find("add --features spectral") != std::string::npos);
  auto bad_label = run_tml({"train", "--dataset", dataset, "--task", "anomaly", "--features", "spectral", "--normal",
                            "pump", "--out", out});
  CHECK(bad_label.exit_code != 0);
  CHECK(bad_label.err.find("the data has no label 'pump'") != std::string::npos);
  auto bad_method = run_tml({"train", "--dataset", dataset, "--task", "anomaly", "--features", "spectral", "--anomaly",
                             "pca", "--out", out});
  CHECK(bad_method.exit_code != 0);
  CHECK(bad_method.err.find("kmeans or autoencoder") != std::string::npos);
  auto ae_classifier = run_tml({"train", "--dataset", dataset, "--anomaly", "autoencoder", "--header",
                                (dir / "h.h").string()});
  CHECK(ae_classifier.exit_code != 0);
  CHECK(ae_classifier.err.find("use --task anomaly") != std::string::npos);
  auto too_many = run_tml({"train", "--dataset", dataset, "--task", "anomaly", "--features", "spectral", "--clusters",
                           "5000", "--out", out});
  CHECK(too_many.exit_code != 0);
  CHECK(too_many.err.find("--clusters must be 1 to 1024") != std::string::npos);
  // A constant signal: features that never vary.
  const auto csv = dir / "flat";
  std::filesystem::create_directories(csv);
  for (int i = 0; i < 4; ++i) {
    std::string rows = "accx,accy,accz\n";
    for (int r = 0; r < 300; ++r) rows += "0.5,0.5,9.8\n";
    tml::write_file_atomic(csv / ("still." + std::to_string(i) + ".csv"), rows);
  }
  const std::string still = (dir / "still").string();
  REQUIRE(run_tml({"dataset", "import", csv.string(), "--format", "csv", "--rate", "104", "--label", "still",
                   "--dataset", still})
              .exit_code == 0);
  auto flat = run_tml({"train", "--dataset", still, "--task", "anomaly", "--features", "spectral", "--out", out});
  INFO(flat.out << flat.err);
  CHECK(flat.exit_code == 1);
  CHECK(flat.err.find("never vary (a constant signal?)") != std::string::npos);
  CHECK(std::filesystem::exists(out) == false);
}
