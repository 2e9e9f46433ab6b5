// `tml dataset` through the binary: the acceptance checks for import/export of the example gestures,
// and bad input of every kind leaving the dataset byte for byte as it was.
//
// Simulating a full disk when the tests run as root: chmod 0555 does not stop root from writing, so the
// tests use two simulations that bind root too, plus the chmod one where it works:
//   - a file-size limit (`ulimit -f`, RLIMIT_FSIZE, with SIGXFSZ ignored): writes past it fail with
//     EFBIG exactly like a disk that fills up in the middle of a file. Sized so that either the first
//     sample file fails, or every sample file fits and the manifest does not;
//   - a file where the store needs a folder (data/<label>), so no sample file can be created;
//   - chmod 0555 of the dataset folder, checked first with a probe write and skipped (with a warning)
//     when the probe succeeds, i.e. when running as root.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "dataset/dataset.h"
#include "formats/ei_json.h"
#include "dataset_test_util.h"
#include "folder_snapshot.h"
#include "run_programs.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using tml::test::bits_equal;
using tml::test::run;
using tml::test::run_tml;
using tml::test::RunResult;
using tml::test::snapshot;
using tml::test::TempDir;
using tml::test::write_text;

namespace {

// Runs tml under a file-size limit of `blocks` shell ulimit blocks (512 bytes in dash, 1 KiB in bash).
RunResult run_tml_with_fsize(int blocks, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/bin/sh", "-c",
                                "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + " && exec \"$0\" \"$@\"",
                                tml::test::tml_exe().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

nlohmann::json info_json(const fs::path& ds) {
  auto r = run_tml({"dataset", "info", ds.string(), "--json"});
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

void check_gestures_info(const fs::path& ds) {
  const auto j = info_json(ds);
  CHECK(j["samples"] == 96);
  CHECK(j["train"] == 72);
  CHECK(j["test"] == 24);
  CHECK(j["rate_hz"] == 104.0);
  CHECK(j["min_rows"] == 1040);
  CHECK(j["max_rows"] == 1040);
  CHECK(j["axes"] == nlohmann::json::parse(R"([{"name":"accx","unit":"m/s2"},{"name":"accy","unit":"m/s2"},)"
                                           R"({"name":"accz","unit":"m/s2"}])"));
  REQUIRE(j["labels"].size() == 4);
  for (const auto& l : j["labels"]) {
    INFO(l.dump());
    CHECK(l["train"] == 18);
    CHECK(l["test"] == 6);
    CHECK(l["duration_s"] == 240.0);
  }
  CHECK(j["labels"][0]["label"] == "circle");
  CHECK(j["labels"][3]["label"] == "updown");
  CHECK(j["orphans"].empty());
  // Every sample has 1040 x 3 values.
  const auto d = tml::dataset::Dataset::open(ds);
  for (const auto& s : d.samples()) CHECK(d.load(s).values.size() == 1040 * 3);
}

// The values of every file of an EI export folder, by sample name.
std::map<std::string, std::vector<float>> ei_values(const fs::path& folder) {
  std::map<std::string, std::vector<float>> out;
  const auto j = nlohmann::json::parse(tml::read_file(folder / "info.labels"));
  for (const auto& f : j["files"]) {
    const fs::path p = folder / f["path"].get<std::string>();
    out[f["name"]] = tml::dataset::parse_ei_json(tml::read_file(p), p.string()).values;
  }
  return out;
}

// A small EI file of `rows` rows of the gesture axes.
std::string gesture_file(int rows, const std::string& extra_row = "") {
  std::string v;
  for (int i = 0; i < rows; ++i) v += std::string(i ? "," : "") + "[0.1,0.2,0.3]";
  return R"({"protected":{"ver":"v1","alg":"none","iat":1},"signature":"0","payload":{"device_name":"d",)"
         R"("device_type":"t","interval_ms":9.615384615384615,"sensors":[{"name":"accx","units":"m/s2"},)"
         R"({"name":"accy","units":"m/s2"},{"name":"accz","units":"m/s2"}],"values":[)" +
         v + extra_row + "]}}";
}

// A dataset of the example gestures in `tmp`/gestures, imported through the CLI.
fs::path imported_gestures(const TempDir& tmp) {
  const fs::path ds = tmp / "gestures";
  auto r = run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", ds.string()});
  REQUIRE(r.exit_code == 0);
  return ds;
}

// A smaller dataset of real gestures (2 training and 1 testing sample per label) in `tmp`/small,
// imported through the CLI from EI files without info.labels.
fs::path imported_small_gestures(const TempDir& tmp) {
  for (const char* part : {"training", "testing"}) {
    std::map<std::string, int> taken;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(tml::test::example_gestures() / part))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string label = f.filename().string().substr(0, f.filename().string().find('.'));
      if (taken[label]++ < (std::string(part) == "training" ? 2 : 1))
        write_text(tmp / "small-src" / part / f.filename(), tml::read_file(f));
    }
  }
  const fs::path ds = tmp / "small";
  auto r = run_tml({"dataset", "import", (tmp / "small-src").string(), "--dataset", ds.string()});
  REQUIRE(r.exit_code == 0);
  REQUIRE(tml::dataset::Dataset::open(ds).samples().size() == 12);
  return ds;
}

// A command that must fail: the exit code, a message containing `what`, and the folder `ds` exactly as
// `expected`.
void check_refused(const fs::path& ds, const tml::test::FolderSnapshot& expected, const RunResult& r,
                   const std::string& what, int exit_code = 1) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == exit_code);
  CHECK(r.err.find(what) != std::string::npos);
  CHECK(snapshot(ds) == expected);
}

}  // namespace

TEST_CASE("tml dataset and its commands show help with an example", "[dataset-cli]") {
  auto r = run_tml({"dataset", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Example:\n  tml dataset ") != std::string::npos);
  for (const char* sub : {"info", "import", "export"}) {
    INFO(sub);
    r = run_tml({"dataset", sub, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(std::string("Example:\n  tml dataset ") + sub) != std::string::npos);
  }
  CHECK(run_tml({"dataset"}).exit_code == 2);
  r = run_tml({"dataset", "frob"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown dataset command 'frob'") != std::string::npos);
  r = run_tml({"dataset", "import", "x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--dataset is required") != std::string::npos);
  CHECK(r.err.find("Try 'tml dataset import --help'") != std::string::npos);
}

TEST_CASE("importing the shipped gestures gives 4 labels with 72 train and 24 test samples at 104 Hz", "[dataset-cli]") {
  TempDir tmp;
  const fs::path ds = tmp / "gestures";
  auto r = run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", ds.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Imported 96 samples (72 train, 24 test)") != std::string::npos);
  check_gestures_info(ds);
  r = run_tml({"dataset", "info", ds.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("accx (m/s2), accy (m/s2), accz (m/s2)") != std::string::npos);
  CHECK(r.out.find("104 Hz") != std::string::npos);
  CHECK(r.out.find("DATA_FORWARDER 03:72:69:C7 (96)") != std::string::npos);
  CHECK(r.out.find("orphans   none") != std::string::npos);
}

TEST_CASE("importing the upstream gestures folder gives the same", "[dataset-cli]") {
  if (!fs::exists(tml::test::shared_gestures())) {
    WARN("skipped: " << tml::test::shared_gestures() << " is not on this machine");
    return;
  }
  TempDir tmp;
  auto r = run_tml({"dataset", "import", tml::test::shared_gestures().string(), "--dataset", (tmp / "g").string()});
  REQUIRE(r.exit_code == 0);
  check_gestures_info(tmp / "g");
}

TEST_CASE("EI export round-trips every value and reproduces the original files' values", "[dataset-cli]") {
  TempDir tmp;
  const fs::path ds = imported_gestures(tmp);
  auto r = run_tml({"dataset", "export", ds.string(), "--format", "ei", "--out", (tmp / "out").string()});
  REQUIRE(r.exit_code == 0);
  // Exported values == the original files' values, sample by sample.
  const auto original = ei_values(tml::test::example_gestures());
  const auto exported = ei_values(tmp / "out");
  REQUIRE(original.size() == 96);
  CHECK(exported.size() == 96);
  for (const auto& [name, values] : original) {
    INFO(name);
    REQUIRE(exported.count(name));
    CHECK(bits_equal(exported.at(name), values));
  }
  // Re-import: the same floats, ids, labels and splits.
  r = run_tml({"dataset", "import", (tmp / "out").string(), "--dataset", (tmp / "again").string()});
  REQUIRE(r.exit_code == 0);
  const auto a = tml::dataset::Dataset::open(ds);
  const auto b = tml::dataset::Dataset::open(tmp / "again");
  REQUIRE(b.samples().size() == a.samples().size());
  for (size_t i = 0; i < a.samples().size(); ++i) {
    const auto& sa = a.samples()[i];
    const auto& sb = b.samples()[i];  // info.labels keeps the order
    INFO(sa.id);
    CHECK(sb.id == sa.id);
    CHECK(sb.label == sa.label);
    CHECK(sb.split == sa.split);
    CHECK(bits_equal(b.load(sb).values, a.load(sa).values));
  }
  check_gestures_info(tmp / "again");
}

TEST_CASE("the shipped microphone example imports and exports", "[dataset-cli]") {
  TempDir tmp;
  auto r = run_tml({"dataset", "import", tml::test::example_kws().string(), "--dataset", (tmp / "kws").string()});
  REQUIRE(r.exit_code == 0);
  const auto j = info_json(tmp / "kws");
  CHECK(j["samples"] == 26);
  CHECK(j["sensor"] == "microphone");
  CHECK(j["rate_hz"] == 16000.0);
  CHECK(j["sample_format"] == "i16");
  r = run_tml({"dataset", "export", (tmp / "kws").string(), "--format", "wav", "--out", (tmp / "wav").string()});
  CHECK(r.exit_code == 0);
  CHECK(fs::is_regular_file(tmp / "wav" / "manifest.csv"));
}

TEST_CASE("bad input leaves the dataset byte for byte as it was", "[dataset-cli]") {
  TempDir tmp;
  const fs::path ds = imported_small_gestures(tmp);
  const auto before = snapshot(ds);
  const std::string d = ds.string();

  SECTION("a malformed file among good ones") {
    write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(20));
    write_text(tmp / "in" / "training" / "circle.json.b.x.json", gesture_file(20, ",[0.1,0.2]"));
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", d}),
                  "circle.json.b.x.json: payload.values row 21 has 2 values; row 1 has 3");
  }
  SECTION("bad JSON") {
    write_text(tmp / "in" / "circle.json.a.x.json", gesture_file(20));
    write_text(tmp / "in" / "circle.json.b.x.json", "{\"payload\":");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", d}), "not valid JSON");
  }
  SECTION("a missing file named by info.labels") {
    fs::copy(tml::test::example_gestures(), tmp / "in", fs::copy_options::recursive);
    fs::permissions(tmp / "in", fs::perms::owner_all, fs::perm_options::add);
    for (auto& e : fs::recursive_directory_iterator(tmp / "in"))
      fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add);
    const std::string gone = "testing/updown.json.660aqkkl.ingestion-5758845749-7ntsk.json";
    REQUIRE(fs::remove(tmp / "in" / gone));
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", d}),
                  "info.labels names " + gone + ", which is missing");
  }
  SECTION("non-numeric and NaN CSV values, ragged rows, zero rows") {
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n10,1,2,x\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}),
                  "line 3, column 'accz (m/s2)': 'x' is not a finite number");
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n10,1,2,NaN\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}),
                  "'NaN' is not a finite number");
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n10,1,2\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}),
                  "line 3: 3 values, expected 4");
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}), "no data rows");
  }
  SECTION("mismatched axes or rate") {
    write_text(tmp / "c" / "a.csv", "t,accx,accy,accz\n0,1,2,3\n10,1,2,3\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}),
                  "Import it into another dataset folder");
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n10,1,2,3\n");
    check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d}), "at 100 Hz");
  }
  SECTION("a bad label") {
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n10,1,2,3\n");
    for (const char* label : {"../evil", "a/b", "..", "-rf", ".x", ""}) {
      INFO(label);
      check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d, "--rate", "104",
                                 "--label", label}),
                    "label");
    }
  }
  SECTION("an unknown format") {
    check_refused(ds, before, run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", d, "--format",
                               "tfrecord"}),
                  "unknown format 'tfrecord'", 2);
    check_refused(ds, before, run_tml({"dataset", "export", d, "--format", "parquet", "--out", (tmp / "o").string()}),
                  "unknown format 'parquet'", 2);
    CHECK_FALSE(fs::exists(tmp / "o"));
  }
  SECTION("the same samples imported twice") {
    check_refused(ds, before, run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", d}),
                  "already in dataset");
  }
  SECTION("a full disk: the first sample file does not fit") {
    write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(3000));
    check_refused(ds, before, run_tml_with_fsize(16, {"dataset", "import", (tmp / "in").string(), "--dataset", d}),
                  "File too large");
  }
  SECTION("a full disk: every sample file fits, the manifest does not") {
    for (int i = 0; i < 150; ++i)
      write_text(tmp / "in" / "training" / ("flick.json.n" + std::to_string(i) + ".x.json"), gesture_file(2));
    auto r = run_tml_with_fsize(16, {"dataset", "import", (tmp / "in").string(), "--dataset", d});
    check_refused(ds, before, r, "dataset.json");
    CHECK(r.err.find("File too large") != std::string::npos);
  }
  SECTION("a file where a label's folder must go") {
    write_text(ds / "data" / "wave", "in the way");
    const auto blocked = snapshot(ds);
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n9.615384615384615,1,2,3\n");
    check_refused(ds, blocked,
                  run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d, "--label", "wave"}),
                  "data/wave: it exists and is not a folder");
    fs::remove(ds / "data" / "wave");
  }
  SECTION("a read-only dataset folder (where chmod binds: not as root)") {
    write_text(tmp / "c" / "a.csv", "t,accx (m/s2),accy (m/s2),accz (m/s2)\n0,1,2,3\n9.615384615384615,1,2,3\n");
    REQUIRE(fs::is_directory(ds / "data" / "circle"));
    for (const auto& p : {ds, ds / "data", ds / "data" / "circle"}) fs::permissions(p, fs::perms(0555));
    const bool binds = !std::ofstream(ds / "data" / "circle" / "probe").good();
    fs::remove(ds / "data" / "circle" / "probe");
    if (binds) {
      check_refused(ds, before, run_tml({"dataset", "import", (tmp / "c" / "a.csv").string(), "--dataset", d, "--label", "circle"}),
                    "Permission denied");
    } else {
      WARN("chmod 0555 does not stop this user (root) from writing; the file-size limit and the file-in-the-way "
           "cases simulate the failure instead");
    }
    for (const auto& p : {ds, ds / "data", ds / "data" / "circle"}) fs::permissions(p, fs::perms(0755));
  }
  CHECK(snapshot(ds) == before);
}

TEST_CASE("a failed import into a new dataset folder leaves no folder", "[dataset-cli]") {
  TempDir tmp;
  write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(3000));
  auto r = run_tml_with_fsize(16, {"dataset", "import", (tmp / "in").string(), "--dataset", (tmp / "new").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("File too large") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "new"));
  r = run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", (tmp / "new").string(), "--label", "a/b"});
  CHECK(r.exit_code == 1);
  CHECK_FALSE(fs::exists(tmp / "new"));
}

TEST_CASE("info reports orphans and fails clearly on a damaged manifest", "[dataset-cli]") {
  TempDir tmp;
  write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(10));
  REQUIRE(run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", (tmp / "ds").string()}).exit_code == 0);
  write_text(tmp / "ds" / "data" / "circle" / "circle.dead.csv", "accx,accy,accz\n1,2,3\n");
  auto r = run_tml({"dataset", "info", (tmp / "ds").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("orphans   1 file(s)") != std::string::npos);
  CHECK(r.out.find("data/circle/circle.dead.csv") != std::string::npos);
  CHECK(info_json(tmp / "ds")["orphans"] == nlohmann::json::parse(R"(["data/circle/circle.dead.csv"])"));

  write_text(tmp / "ds" / "dataset.json", "{\"format\": \"tml-dataset\", ");
  r = run_tml({"dataset", "info", (tmp / "ds").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("dataset.json is not valid JSON") != std::string::npos);
  r = run_tml({"dataset", "info", (tmp / "none").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no dataset at") != std::string::npos);
}

TEST_CASE("info --check reads every sample file and names each damaged one", "[dataset-cli]") {
  TempDir tmp;
  write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(10));
  write_text(tmp / "in" / "training" / "circle.json.b.x.json", gesture_file(10));
  write_text(tmp / "in" / "training" / "circle.json.c.x.json", gesture_file(10));
  REQUIRE(run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", (tmp / "ds").string()}).exit_code == 0);
  auto r = run_tml({"dataset", "info", (tmp / "ds").string(), "--check"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Checked 3 sample file(s): all readable") != std::string::npos);
  // Damage two files behind the manifest's back, and make a third a link to a file outside the dataset.
  const auto file = [&](const char* id) { return tmp / "ds" / "data" / "circle" / (std::string(id) + ".csv"); };
  write_text(file("circle.a"), "accx,accy,accz\n1,2,3\n");
  std::string text = tml::read_file(file("circle.b"));
  text.replace(text.find('\n') + 1, 1, "nan");
  write_text(file("circle.b"), text);
  const auto outside = tmp / "outside.csv";
  std::filesystem::rename(file("circle.c"), outside);
  std::filesystem::create_symlink(outside, file("circle.c"));
  r = run_tml({"dataset", "info", (tmp / "ds").string()});  // without --check nothing is read
  CHECK(r.exit_code == 0);
  r = run_tml({"dataset", "info", (tmp / "ds").string(), "--check"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("3 problem(s)") != std::string::npos);
  CHECK(r.out.find("sample 'circle.a' (data/circle/circle.a.csv): ") != std::string::npos);
  CHECK(r.out.find("holds 1 rows; the manifest says 10") != std::string::npos);
  CHECK(r.out.find("sample 'circle.b' (data/circle/circle.b.csv): ") != std::string::npos);
  CHECK(r.out.find("line 2: 'nan.1' is not a finite number") != std::string::npos);
  CHECK(r.out.find("sample 'circle.c' (data/circle/circle.c.csv): is a symbolic link") != std::string::npos);
}

TEST_CASE("info and export of a dataset without samples", "[dataset-cli]") {
  TempDir tmp;
  tml::dataset::Meta m;
  m.sensor = "light";
  m.axes = {{"lux", "lx"}};
  m.rate_hz = 10;
  m.sample_format = "f32";
  tml::dataset::Dataset::open_or_create(tmp / "ds", m);
  auto r = run_tml({"dataset", "info", (tmp / "ds").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("samples   0 (0 train, 0 test)") != std::string::npos);
  CHECK(info_json(tmp / "ds")["samples"] == 0);
  r = run_tml({"dataset", "export", (tmp / "ds").string(), "--format", "csv", "--out", (tmp / "o").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("has no samples to export") != std::string::npos);
}

TEST_CASE("export refuses a non-empty folder and a WAV export of accelerometer data", "[dataset-cli]") {
  TempDir tmp;
  write_text(tmp / "in" / "training" / "circle.json.a.x.json", gesture_file(10));
  REQUIRE(run_tml({"dataset", "import", (tmp / "in").string(), "--dataset", (tmp / "ds").string()}).exit_code == 0);
  write_text(tmp / "out" / "mine.txt", "keep");
  auto r = run_tml({"dataset", "export", (tmp / "ds").string(), "--format", "csv", "--out", (tmp / "out").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not empty") != std::string::npos);
  r = run_tml({"dataset", "export", (tmp / "ds").string(), "--format", "wav", "--out", (tmp / "w").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("WAV export needs a dataset of one axis") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "w"));
  r = run_tml({"dataset", "export", (tmp / "ds").string(), "--format", "csv", "--out", (tmp / "c").string()});
  CHECK(r.exit_code == 0);
  CHECK(fs::is_regular_file(tmp / "c" / "training" / "circle.a.csv"));
}
