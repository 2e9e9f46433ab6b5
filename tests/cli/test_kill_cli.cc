// kill -9 at many moments of a `tml dataset import` into a new folder, each followed by a full check:
// the folder is absent, or a dataset that loads, matches its files and holds no partial file, or what a
// killed creation leaves; and the import run again always completes it (before: "the folder has other
// files and no dataset.json" after 14 of 39 kills).
// Then the same for the commands that write one file each (tml train --out, tml quantize, tml export, and
// tml flash --board sim, whose file is the emulated board's installed firmware): killed at moments spread
// over a whole run of the command, the file is absent or valid (a model that loads, the very header or
// firmware a whole run writes), a file an earlier run wrote is never damaged, and after the next run no
// temporary file is left beside it. And `tml capture --port sim` into a new folder, killed the same way,
// and beside a second capture into the same existing dataset, which must lose nothing.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "dataset/dataset.h"
#include "pipeline/model_files.h"
#include "run_programs.h"
#include "util/atomic_file.h"

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


// A command that writes one file, and what makes that file valid.
struct Job {
  std::string name;
  std::vector<std::string> args;              // tml's arguments
  fs::path out;                               // the file it writes
  std::function<void(const fs::path&)> valid; // CHECKs that a file at `out` is whole
};

// The temporary files (<name>.tmp.<pid>.<n>) in `dir`.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) out.push_back(e.path().filename().string());
  return out;
}

// Kills `job` `kills` times at moments spread over 10 % to 120 % of its own run time (measured on a
// whole run, after one to warm the caches and the firmware build folder). Even kills start without the
// file, odd ones with the file a whole run wrote: that one must still be there and whole.
void kill_loop(const Job& job, int kills) {
  REQUIRE(run_tml(job.args, 300).exit_code == 0);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_tml(job.args, 300).exit_code == 0);
  const double whole = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  job.valid(job.out);
  int killed = 0;
  for (int k = 0; k < kills; ++k) {
    const bool had_file = k % 2 == 1;
    if (!had_file) fs::remove(job.out);
    const std::string after = std::to_string(whole * (0.1 + 1.1 * k / kills));
    std::vector<std::string> argv = {"env", "TML_STATE_DIR=" + tml::test::tml_state_dir().string(), "timeout", "-s",
                                     "KILL", after, tml::test::tml_exe().string()};
    argv.insert(argv.end(), job.args.begin(), job.args.end());
    const auto r = run(argv, 300);
    INFO(job.name << " killed after " << after << " s of " << whole << " s: exit " << r.exit_code << " " << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 137));
    killed += r.exit_code == 137;
    if (had_file) CHECK(fs::exists(job.out));
    if (fs::exists(job.out)) job.valid(job.out);
    // The next run completes, and no temporary file is left beside what it wrote.
    const auto again = run_tml(job.args, 300);
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    job.valid(job.out);
    const auto left = temporaries(job.out.parent_path());
    INFO("left: " << (left.empty() ? std::string("none") : left.front()));
    CHECK(left.empty());
  }
  CHECK(killed > 0);  // some kills landed while the command ran
}

// The four jobs, on the example gestures: a dense model trained for 10 epochs, quantized, exported,
// flashed into the emulated board. `tmp` holds the dataset and every file.
struct Jobs {
  Job train, quantize, exporter, flash;
};

Jobs make_jobs(const fs::path& tmp) {
  const std::string ds = (tmp / "ds").string(), model = (tmp / "g.model").string(),
                    qmodel = (tmp / "g.q.model").string(), header = (tmp / "g_model.h").string();
  REQUIRE(run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", ds}).exit_code == 0);
  Jobs j;
  j.train = {"tml train",
             {"train", "--dataset", ds, "--model", "dense", "--window", "2s", "--stride", "0.5s", "--epochs", "10", "--out",
              (tmp / "train" / "k.model").string(), "-q"},
             tmp / "train" / "k.model",
             [](const fs::path& p) {
               const auto m = tml::pipeline::load_model(p);
               CHECK(m.labels.size() == 4);
             }};
  REQUIRE(run_tml({"train", "--dataset", ds, "--model", "dense", "--window", "2s", "--stride", "0.5s", "--epochs", "2",
                   "--out", model, "-q"})
              .exit_code == 0);
  j.quantize = {"tml quantize",
                {"quantize", "--model", model, "--dataset", ds, "--out", (tmp / "quantize" / "k.q.model").string()},
                tmp / "quantize" / "k.q.model",
                [](const fs::path& p) { CHECK(tml::pipeline::load_qmodel(p).labels.size() == 4); }};
  REQUIRE(run_tml({"quantize", "--model", model, "--dataset", ds, "--out", qmodel}).exit_code == 0);
  REQUIRE(run_tml({"export", "--model", qmodel, "--out", header}).exit_code == 0);
  const std::string header_text = tml::read_file(header);  // export writes the same bytes every time
  j.exporter = {"tml export",
                {"export", "--model", qmodel, "--out", (tmp / "export" / "g_model.h").string()},
                tmp / "export" / "g_model.h",
                [header_text](const fs::path& p) {
                  CHECK_NOTHROW(tml::pipeline::read_model_header(p));
                  CHECK(tml::read_file(p) == header_text);
                }};
  j.flash = {"tml flash --board sim",
             {"flash", "--board", "sim", "--model", header},
             tml::test::tml_state_dir() / "sim" / "firmware.elf",  // the child's state folder, not this process's
             [](const fs::path& p) {
               // The image a whole flash built (the build folder's), byte for byte.
               const auto built = tml::test::tml_state_dir() / "build" / "mps2_an386-optimized-model" / "ports" /
                                  "mps2_an386" / "tml-mps2.elf";
               CHECK(tml::read_file(p) == tml::read_file(built));
             }};
  for (const auto* job : {&j.train, &j.quantize, &j.exporter}) fs::create_directories(job->out.parent_path());
  return j;
}

// `tml capture --port sim --sim-fast` of `count` samples of 2 s of `label` into `dir`.
std::vector<std::string> capture_args(const fs::path& dir, const std::string& label, int count) {
  return {"capture", "--port", "sim",     "--sim-fast", "--label",   label,
          "--seconds", "2", "--count", std::to_string(count), "--dataset", dir.string(), "--quiet"};
}

// `tml capture` killed with SIGKILL after `after` seconds (or done before).
tml::test::RunResult killed_capture(const fs::path& dir, const std::string& label, int count, double after) {
  std::vector<std::string> argv = {"env", "TML_STATE_DIR=" + tml::test::tml_state_dir().string(), "timeout", "-s",
                                   "KILL", std::to_string(after), tml::test::tml_exe().string()};
  const auto args = capture_args(dir, label, count);
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, 120);
}

// The temporary files in `dir` and in its label folders.
std::vector<std::string> dataset_temporaries(const fs::path& dir) {
  std::vector<std::string> out = temporaries(dir);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "data", ec))
    for (const auto& t : temporaries(e.path())) out.push_back(t);
  return out;
}

// Seconds one whole capture of 5 samples takes (after one to warm the caches).
double whole_capture_seconds(const fs::path& tmp) {
  REQUIRE(run_tml(capture_args(tmp / "warm", "circle", 5), 120).exit_code == 0);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_tml(capture_args(tmp / "whole", "circle", 5), 120).exit_code == 0);
  const double whole = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(check_dataset(tmp / "whole") == 5);
  return whole;
}

// Kills `tml capture --port sim` (5 samples of 2 s, replayed as fast as the link goes) `kills` times at
// moments spread over 10 % to 120 % of a whole capture, each into a new folder: the folder is absent or a
// dataset whose every listed sample loads whole (208 rows); the next capture into it completes, and then
// no temporary file is left, nor any orphan (a kill between a sample's file and the manifest naming it
// leaves that file listed in the addition's journal, and the next capture removes it). QEMU is ended
// with tml (timeout kills the process group; the emulator also has tml's death signal).
void capture_kill_loop(int kills) {
  tml::test::TempDir tmp;
  const double whole = whole_capture_seconds(tmp.path());
  int killed = 0;
  for (int k = 0; k < kills; ++k) {
    const fs::path dir = tmp / ("cap" + std::to_string(k));
    const double after = whole * (0.1 + 1.1 * k / kills);
    const auto r = killed_capture(dir, "circle", 5, after);
    INFO("capture killed after " << after << " s of " << whole << " s: exit " << r.exit_code << " " << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 137));
    killed += r.exit_code == 137;
    size_t before = 0;
    if (tml::dataset::Dataset::exists(dir)) {
      const auto ds = tml::dataset::Dataset::open(dir);
      CHECK(ds.missing().empty());
      for (const auto& s : ds.samples()) {
        CHECK(s.rows == 208);
        CHECK_NOTHROW(ds.load(s));
      }
      before = ds.samples().size();
      CHECK(before <= 5);
    }
    const auto again = run_tml(capture_args(dir, "circle", 1), 120);
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(check_dataset(dir) == before + 1);
    CHECK(dataset_temporaries(dir).empty());
  }
  CHECK(killed > 0);
}

// Two captures into one existing dataset at once, `kills` times: one of 5 samples of circle, killed at a
// moment spread over 10 % to 120 % of its run, and one of 3 samples of updown that always completes.
// Every round the second saves all its samples, the dataset loads whole with every listed sample, and
// after the last round's next write no orphan or temporary file is left.
void concurrent_kill_loop(int kills) {
  tml::test::TempDir tmp;
  const double whole = whole_capture_seconds(tmp.path());
  const fs::path dir = tmp / "shared";
  REQUIRE(run_tml(capture_args(dir, "idle", 1), 120).exit_code == 0);
  int killed = 0;
  size_t circles = 0;
  for (int k = 0; k < kills; ++k) {
    const double after = whole * (0.1 + 1.1 * k / kills);
    tml::test::RunResult a;
    std::thread first([&] { a = killed_capture(dir, "circle", 5, after); });
    const auto b = run_tml(capture_args(dir, "updown", 3), 120);
    first.join();
    INFO("round " << k << ": circle killed after " << after << " s: exit " << a.exit_code << " " << a.err
                  << "; updown: exit " << b.exit_code << " " << b.err);
    REQUIRE((a.exit_code == 0 || a.exit_code == 137));
    killed += a.exit_code == 137;
    CHECK(b.exit_code == 0);
    const auto ds = tml::dataset::Dataset::open(dir);
    CHECK(ds.missing().empty());
    size_t updowns = 0, now_circles = 0;
    for (const auto& s : ds.samples()) {
      CHECK(s.rows == 208);
      CHECK_NOTHROW(ds.load(s));
      updowns += s.label == "updown";
      now_circles += s.label == "circle";
    }
    CHECK(updowns == 3 * static_cast<size_t>(k + 1));
    CHECK(now_circles >= circles);
    CHECK(now_circles <= circles + 5);
    circles = now_circles;
  }
  REQUIRE(run_tml(capture_args(dir, "idle", 1), 120).exit_code == 0);
  CHECK(check_dataset(dir) == 2 + circles + 3 * static_cast<size_t>(kills));
  CHECK(dataset_temporaries(dir).empty());
  CHECK(killed > 0);
}

}  // namespace

TEST_CASE("an import killed at any moment leaves a folder the next import completes", "[kill]") { kill_loop(4); }

TEST_CASE("an import killed at any moment leaves a folder the next import completes: 24 kills", "[kill][slow]") {
  kill_loop(24);
}

TEST_CASE("tml train or quantize or export or flash killed at any moment leave no file or a whole one", "[kill]") {
  tml::test::TempDir tmp;
  const Jobs j = make_jobs(tmp.path());
  for (const Job* job : {&j.train, &j.quantize, &j.exporter, &j.flash}) {
    SECTION(job->name) { kill_loop(*job, 3); }
  }
}

TEST_CASE("tml train or quantize or export or flash killed at any moment leave no file or a whole one: 20 kills each",
          "[kill][slow]") {
  tml::test::TempDir tmp;
  const Jobs j = make_jobs(tmp.path());
  for (const Job* job : {&j.train, &j.quantize, &j.exporter, &j.flash}) {
    SECTION(job->name) { kill_loop(*job, 20); }
  }
}

TEST_CASE("tml capture killed at any moment leaves no dataset or a whole one the next capture adds to", "[kill]") {
  capture_kill_loop(3);
}

TEST_CASE("tml capture killed at any moment leaves no dataset or a whole one the next capture adds to: 20 kills",
          "[kill][slow]") {
  capture_kill_loop(20);
}

TEST_CASE("a capture killed beside another into one existing dataset costs the other nothing", "[kill]") {
  concurrent_kill_loop(2);
}

TEST_CASE("a capture killed beside another into one existing dataset costs the other nothing: 20 kills",
          "[kill][slow]") {
  concurrent_kill_loop(20);
}
