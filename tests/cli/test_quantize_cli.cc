// tml quantize, tml export, tml eval of a quantized model and tml train --header through the binary, on
// the example gestures: the reports and their JSON, the files they write, and clear refusals.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <regex>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(tml::read_file(p)); }

std::string gestures() { return tml::test::example_gestures().string(); }

long long header_constant(const std::string& header, const std::string& name) {
  std::smatch m;
  const std::regex re("#define " + name + " \\(?(-?(?:0x)?[0-9a-fA-F]+)u?\\)?");
  if (!std::regex_search(header, m, re)) return -1;
  return std::stoll(m[1].str(), nullptr, 0);
}

}  // namespace

TEST_CASE("quantize then export then eval the int8 model", "[quantize_cli]") {
  TempDir dir("tml-quantize-cli");
  const auto model = (dir / "g.model").string(), qmodel = (dir / "g.q.model").string(), header = (dir / "g.h").string();
  auto r = run_tml({"train", "--dataset", gestures(), "--model", "dense", "--epochs", "10", "--out", model, "-q"});
  REQUIRE(r.exit_code == 0);

  r = run_tml({"quantize", "--model", model, "--dataset", gestures(), "--out", qmodel, "--json",
               (dir / "q.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Accuracy on 408 test windows: float") != std::string::npos);
  CHECK(r.out.find("Per int8 layer") != std::string::npos);
  CHECK(r.out.find("Confusion matrix, int8") != std::string::npos);
  const auto q = read_json(dir / "q.json");
  for (const char* key : {"model", "out", "dataset", "labels", "calibration", "evaluation", "float", "int8", "agreement",
                          "layers", "params", "macs", "flash", "ram"})
    CHECK(q.contains(key));
  CHECK(q["calibration"]["method"] == "minmax");
  CHECK(q["calibration"]["windows"] == 1224);
  CHECK(q["evaluation"]["split"] == "test");
  CHECK(q["int8"]["count"] == 408);
  CHECK(q["params"] == 20596);
  CHECK(q["macs"] == 20544);
  REQUIRE(q["layers"].size() == 4);
  const auto& l0 = q["layers"][0];
  CHECK(l0["name"] == "dense+relu");
  CHECK(l0["kind"] == "fully_connected");
  CHECK(l0["source_layers"] == nlohmann::json::array({1, 2, 3}));
  CHECK(l0["flash"]["weights"] == 19968);
  CHECK(l0["ram"]["total"] == 656);
  CHECK(l0["quantization"]["zero_point"] == -128);
  CHECK(l0["error"]["sqnr_db"].get<double>() > 30);
  CHECK(q["int8"]["confusion"].size() == 4);
  CHECK(q["float"]["per_class"].size() == 4);

  // The quantized model file records what export and eval need.
  const auto qm = read_json(qmodel);
  CHECK(qm["format"] == "tml-quantized-model");
  CHECK(qm["input"]["sensor"] == "accelerometer");
  CHECK(qm["input"]["stride"] == 52);
  CHECK(qm["accuracy"]["int8"] == q["int8"]["accuracy"]);
  CHECK(qm["float_model"]["format"] == "tml-model");  // the float source travels with it

  r = run_tml({"export", "--model", qmodel, "--out", header, "--json", (dir / "e.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Flash: 21644 bytes") != std::string::npos);
  CHECK(r.out.find("RAM:   656 bytes") != std::string::npos);
  const auto e = read_json(dir / "e.json");
  CHECK(e["flash"]["total"] == 21644);
  CHECK(e["ram"]["arena"] == 656);
  CHECK(e["layers"][0]["flash"]["total"] == 20416);
  const std::string h = tml::read_file(header);
  CHECK(header_constant(h, "TML_MODEL_ARENA_SIZE") == 656);
  CHECK(header_constant(h, "TML_MODEL_BLOB_SIZE") == 21644);
  CHECK(header_constant(h, "TML_MODEL_SENSOR") == 1);
  CHECK(header_constant(h, "TML_MODEL_SAMPLE_RATE_MILLIHZ") == 104000);
  CHECK(header_constant(h, "TML_MODEL_STRIDE_ROWS") == 52);
  CHECK(h.find("tml_model_labels[4] TML_UNUSED_ = {\"circle\", \"flick\", \"idle\", \"updown\"}") != std::string::npos);
  CHECK(h.find("tml_model_units[3] TML_UNUSED_ = {\"m/s2\", \"m/s2\", \"m/s2\"}") != std::string::npos);

  // tml eval runs the int8 model on the firmware's kernels: what quantize measured, the same every time.
  r = run_tml({"eval", "--model", qmodel, "--dataset", gestures(), "--json", (dir / "e1.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Int8 model") != std::string::npos);
  REQUIRE(run_tml({"eval", "--model", qmodel, "--dataset", gestures(), "--json", (dir / "e2.json").string()}).exit_code == 0);
  const auto e1 = read_json(dir / "e1.json"), e2 = read_json(dir / "e2.json");
  CHECK(e1["kind"] == "int8");
  CHECK(e1["metrics"] == e2["metrics"]);
  CHECK(e1["metrics"]["accuracy"] == q["int8"]["accuracy"]);
  CHECK(e1["metrics"]["confusion"] == q["int8"]["confusion"]);
  REQUIRE(run_tml({"eval", "--model", model, "--dataset", gestures(), "--json", (dir / "f.json").string()}).exit_code == 0);
  CHECK(read_json(dir / "f.json")["metrics"]["accuracy"] == q["float"]["accuracy"]);
}

TEST_CASE("percentile calibration is asked for and recorded", "[quantize_cli]") {
  TempDir dir("tml-quantize-cli");
  const auto model = (dir / "g.model").string(), qmodel = (dir / "g.q.model").string();
  REQUIRE(run_tml({"train", "--dataset", gestures(), "--model", "dense", "--epochs", "3", "--out", model, "-q"}).exit_code == 0);
  auto r = run_tml({"quantize", "--model", model, "--dataset", gestures(), "--out", qmodel, "--calibration",
                    "percentile", "--percentile", "99.9", "--json", "-"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);  // stdout is the JSON alone
  CHECK(j["calibration"]["method"] == "percentile");
  CHECK(j["calibration"]["percentile"] == 99.9);
  const auto qm = read_json(qmodel);
  CHECK(qm["quantization"]["calibration"]["method"] == "percentile");
  CHECK(qm["quantization"]["calibration"]["percentile"] == 99.9);
}

TEST_CASE("tml train --header trains and quantizes and exports in one go", "[quantize_cli]") {
  TempDir dir("tml-quantize-cli");
  const auto header = (dir / "gestures_model.h").string();
  auto r = run_tml({"train", "--dataset", gestures(), "--model", "conv1d", "--epochs", "3", "--header", header, "-q",
                    "--json", (dir / "t.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Test split: accuracy") != std::string::npos);
  CHECK(r.out.find("Accuracy on 408 test windows: float") != std::string::npos);
  CHECK(r.out.find("Exported " + header) != std::string::npos);
  CHECK(r.out.find("Flash: 4708 bytes") != std::string::npos);
  CHECK(r.out.find("RAM:   1600 bytes") != std::string::npos);
  const std::string h = tml::read_file(header);
  CHECK(header_constant(h, "TML_MODEL_ARENA_SIZE") == 1600);
  CHECK(header_constant(h, "TML_MODEL_WINDOW_ROWS") == 208);
  const auto t = read_json(dir / "t.json");
  CHECK(t["int8"]["header"] == header);
  CHECK(t["int8"]["flash"]["total"] == 4708);
  CHECK(t["int8"]["float"]["accuracy"] == t["test"]["accuracy"]);
  CHECK_FALSE(std::filesystem::exists(dir / "gestures.model"));  // no --out: no float model file
}

TEST_CASE("quantize and export and eval refuse what they cannot use", "[quantize_cli]") {
  TempDir dir("tml-quantize-cli");
  const auto model = (dir / "g.model").string(), qmodel = (dir / "g.q.model").string();
  REQUIRE(run_tml({"train", "--dataset", gestures(), "--model", "dense", "--epochs", "1", "--out", model, "-q"}).exit_code == 0);
  auto r = run_tml({"export", "--model", model, "--out", (dir / "x.h").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("is a float model; quantize it first: tml quantize --model") != std::string::npos);
  REQUIRE(run_tml({"quantize", "--model", model, "--dataset", gestures(), "--out", qmodel}).exit_code == 0);
  r = run_tml({"quantize", "--model", qmodel, "--dataset", gestures(), "--out", (dir / "y.q.model").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("is already quantized") != std::string::npos);
  r = run_tml({"quantize", "--model", model, "--dataset", gestures(), "--out", qmodel, "--calibration", "kl"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--calibration must be minmax or percentile") != std::string::npos);
  r = run_tml({"quantize", "--model", model, "--dataset", gestures(), "--out", qmodel, "--percentile", "99"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--percentile needs --calibration percentile") != std::string::npos);
  r = run_tml({"export", "--model", qmodel, "--out", (dir / "x.h").string(), "--prefix", "9lives"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("C identifier") != std::string::npos);
  tml::write_file_atomic(dir / "junk.model", "{\"format\": \"something\"}");
  r = run_tml({"eval", "--model", (dir / "junk.model").string(), "--dataset", gestures()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("is not a tml model file") != std::string::npos);
  r = run_tml({"train", "--dataset", gestures()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--out is required (or --header") != std::string::npos);
  r = run_tml({"train", "--dataset", gestures(), "--header", (dir / "h.h").string(), "--prefix", "a-b"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--prefix must be a C identifier") != std::string::npos);
}
