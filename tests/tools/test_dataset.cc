// The dataset store: manifest format, sample files, validation, hash split, atomic writes.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>

#include "dataset/dataset.h"
#include "dataset_test_util.h"
#include "folder_snapshot.h"
#include "test_support.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::bits_equal;
using tml::test::error_of;
using tml::test::snapshot;
using tml::test::TempDir;

namespace {

void write(const fs::path& p, const std::string& text) { tml::test::write_text(p, text); }

Meta accel_meta() {
  Meta m;
  m.sensor = "accelerometer";
  m.axes = {{"accx", "m/s2"}, {"accy", "m/s2"}, {"accz", "m/s2"}};
  m.rate_hz = 104;
  m.sample_format = "f32";
  return m;
}

Meta mic_meta() {
  Meta m;
  m.sensor = "microphone";
  m.axes = {{"audio", "PCM"}};
  m.rate_hz = 16000;
  m.sample_format = "i16";
  return m;
}

}  // namespace

TEST_CASE("labels are validated", "[dataset]") {
  for (const char* ok : {"circle", "up down", "a.b", "x_1", "\xc3\xa7" "a", "idle-2", "A"}) {
    INFO(ok);
    CHECK_NOTHROW(validate_label(ok));
  }
  struct Bad {
    std::string label;
    const char* why;
  };
  const Bad bad[] = {{"", "empty"},
                     {std::string(65, 'a'), "longer than 64"},
                     {"a/b", "path separator"},
                     {"a\\b", "path separator"},
                     {".", "names a folder"},
                     {"..", "names a folder"},
                     {"a\nb", "control character"},
                     {std::string("a\0b", 3), "control character"},
                     {"a\x7f", "control character"},
                     {"-x", "starts with '-'"},
                     {".hidden", "starts with '.'"},
                     {"\xff\xfe", "UTF-8"}};
  for (const auto& b : bad) {
    INFO(b.why);
    const std::string msg = error_of([&] { validate_label(b.label); });
    CHECK(msg.find(b.why) != std::string::npos);
  }
  CHECK_NOTHROW(validate_label(std::string(64, 'a')));
  CHECK_NOTHROW(validate_sample_id(std::string(128, 'a')));
  CHECK_THROWS_AS(validate_sample_id(std::string(129, 'a')), tml::Error);
}

TEST_CASE("hash split is FNV-1a of the id repeatable and near the requested share", "[dataset]") {
  // fnv1a32("a") = 0xe40c292c (the published test vector): 3826002220 % 100 = 20.
  CHECK(hash_split("a", 20) == "train");
  CHECK(hash_split("a", 21) == "test");
  CHECK(hash_split("foobar", 21) == "test");  // 0xbf9cf968 % 100 = 20
  for (int percent : {0, 10, 20, 50, 100}) {
    int test = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const std::string id = "sample." + std::to_string(i * 7919);
      const std::string s = hash_split(id, percent);
      REQUIRE(s == hash_split(id, percent));
      test += s == "test";
    }
    INFO("test_percent " << percent << ": " << test << " of " << n);
    CHECK(std::abs(100.0 * test / n - percent) < 1.5);
  }
}

TEST_CASE("a new dataset has a readable manifest with the documented fields", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "gestures";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  REQUIRE(fs::is_regular_file(dir / "dataset.json"));
  NewSample ns;
  ns.label = "circle";
  ns.values = {0.5786f, -1.9986f, -0.6639f, 1e-5f, 104.0f, -0.0f};
  ns.device = "DATA_FORWARDER 03:72:69:C7";
  ns.source = "import:ei";
  ns.id = "circle.6600enq7";
  ns.split = "train";
  ns.created = "2025-09-26T15:56:03Z";
  d.add_all({ns});
  const std::string expected =
      "{\n"
      "  \"format\": \"tml-dataset\",\n"
      "  \"version\": 1,\n"
      "  \"sensor\": \"accelerometer\",\n"
      "  \"axes\": [{\"name\":\"accx\",\"unit\":\"m/s2\"}, {\"name\":\"accy\",\"unit\":\"m/s2\"}, "
      "{\"name\":\"accz\",\"unit\":\"m/s2\"}],\n"
      "  \"rate_hz\": 104.0,\n"
      "  \"sample_format\": \"f32\",\n"
      "  \"test_percent\": 20,\n"
      "  \"samples\": [\n"
      "    {\"id\":\"circle.6600enq7\",\"label\":\"circle\",\"split\":\"train\",\"file\":\"data/circle/"
      "circle.6600enq7.csv\",\"rows\":2,\"device\":\"DATA_FORWARDER 03:72:69:C7\",\"source\":\"import:ei\","
      "\"created\":\"2025-09-26T15:56:03Z\"}\n"
      "  ]\n"
      "}\n";
  CHECK(tml::read_file(dir / "dataset.json") == expected);
  // The sample file: header of axis names, shortest float32 decimals.
  CHECK(tml::read_file(dir / "data/circle/circle.6600enq7.csv") == "accx,accy,accz\n0.5786,-1.9986,-0.6639\n0.00001,104,-0\n");

  Dataset again = Dataset::open(dir);
  CHECK(again.meta().axes == accel_meta().axes);
  CHECK(again.meta().rate_hz == 104);
  REQUIRE(again.samples().size() == 1);
  CHECK(again.samples()[0].device == "DATA_FORWARDER 03:72:69:C7");
  CHECK(bits_equal(again.load(again.samples()[0]).values, ns.values));
  CHECK(again.labels() == std::vector<std::string>{"circle"});
}

TEST_CASE("values survive the CSV sample file bit for bit", "[dataset]") {
  TempDir tmp;
  Meta m = accel_meta();
  m.axes = {{"x", ""}};
  Dataset d = Dataset::open_or_create(tmp / "d", m);
  std::vector<float> v = {0.1f, 1.0f / 3, FLT_MAX, -FLT_MAX, FLT_MIN, FLT_TRUE_MIN, 16777217.0f, -123456.78f, 0.0f};
  for (int i = 0; i < 2000; ++i) v.push_back(std::ldexp(static_cast<float>(i * 2654435761u % 1000003) / 1000003.0f, i % 60 - 30));
  auto info = d.add("x", v, "dev", "capture");
  CHECK(bits_equal(Dataset::open(tmp / "d").load(info).values, v));
}

TEST_CASE("add generates ids splits by hash and rejects bad samples without touching the dataset", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  auto info = d.add("idle", {1, 2, 3, 4, 5, 6}, "mps2-an386 0.1.0", "capture");
  CHECK(info.id.rfind("idle.", 0) == 0);
  CHECK(info.id.size() == 13);
  CHECK(info.split == hash_split(info.id, 20));
  CHECK(info.rows == 2);
  CHECK(info.created.size() == 20);
  CHECK(info.created.back() == 'Z');
  CHECK(fs::is_regular_file(dir / info.file));

  const auto before = snapshot(dir);
  CHECK(error_of([&] { d.add("../x", {1, 2, 3}, "", "capture"); }).find("path separator") != std::string::npos);
  CHECK(error_of([&] { d.add("idle", {1, 2}, "", "capture"); }).find("not a whole number of rows") != std::string::npos);
  CHECK(error_of([&] { d.add("idle", {}, "", "capture"); }).find("no values") != std::string::npos);
  CHECK(error_of([&] { d.add("idle", {1, NAN, 3}, "", "capture"); }).find("not a finite number") != std::string::npos);
  CHECK(error_of([&] { d.add("idle", {1, 2, 3}, "", "capture", info.id); }).find("already in dataset") != std::string::npos);
  CHECK(error_of([&] { d.add("idle", {1, 2, 3}, "", "capture", "", "validation"); }).find("split") != std::string::npos);
  CHECK(snapshot(dir) == before);
  CHECK(d.samples().size() == 1);
}

TEST_CASE("the manifest is unchanged when the sample file cannot be written", "[dataset]") {
  // Works as root too: a file sits where the label's folder must go, so no sample file can be created.
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  d.add("idle", {1, 2, 3}, "", "capture");
  write(dir / "data" / "circle", "in the way");
  const auto before = snapshot(dir);
  const std::string msg = error_of([&] { d.add("circle", {1, 2, 3}, "", "capture"); });
  CHECK(msg.find("data/circle") != std::string::npos);
  CHECK(msg.find("not a folder") != std::string::npos);
  CHECK(snapshot(dir) == before);
  CHECK(d.samples().size() == 1);
}

TEST_CASE("a failed manifest write removes the sample files it had written", "[dataset]") {
  // A full disk, simulated with a file-size limit (RLIMIT_FSIZE binds root too, unlike chmod): the
  // small sample files fit under it, the manifest of many samples does not. Writes past the limit
  // fail with EFBIG (SIGXFSZ is ignored for the duration).
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  std::vector<NewSample> many;
  for (int i = 0; i < 100; ++i)
    many.push_back(NewSample{"idle", {1, 2, 3}, "a device with a long name", "capture", "idle." + std::to_string(i), "", ""});
  d.add_all(many);
  REQUIRE(fs::file_size(dir / "dataset.json") > 16384);
  const auto before = snapshot(dir);

  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  rlimit small = old;
  small.rlim_cur = 8192;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string msg = error_of([&] {
    d.add_all({NewSample{"circle", {1, 2, 3}, "", "capture", "circle.a", "", ""},
               NewSample{"flick", {4, 5, 6}, "", "capture", "flick.b", "", ""}});
  });
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);

  CHECK(msg.find("dataset.json") != std::string::npos);
  CHECK(msg.find("File too large") != std::string::npos);
  CHECK(snapshot(dir) == before);  // circle/ and flick/ with their files are gone again
  CHECK(d.samples().size() == 100);
  CHECK(Dataset::open(dir).samples().size() == 100);
}

TEST_CASE("a batch is all or nothing", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  write(dir / "data" / "flick", "in the way");  // the second label's folder cannot be made
  const auto before = snapshot(dir);
  CHECK_THROWS_AS(d.add_all({NewSample{"circle", {1, 2, 3}, "", "capture", "circle.a", "", ""},
                             NewSample{"flick", {1, 2, 3}, "", "capture", "flick.b", "", ""}}),
                  tml::Error);
  CHECK(snapshot(dir) == before);  // circle's folder and file were removed again
  CHECK(d.samples().empty());
}

TEST_CASE("create_on_first_add writes nothing until a sample is added", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "new";
  Dataset d = Dataset::create_on_first_add(dir, accel_meta());
  CHECK_FALSE(fs::exists(dir));
  CHECK_THROWS(d.add("idle", {1, 2}, "", "capture"));
  CHECK_FALSE(fs::exists(dir));
  d.add("idle", {1, 2, 3}, "", "capture");
  CHECK(Dataset::open(dir).samples().size() == 1);

  write(tmp / "file", "x");
  CHECK_THROWS_AS(Dataset::create_on_first_add(tmp / "file", accel_meta()), tml::Error);
  fs::create_directory(tmp / "busy");
  write(tmp / "busy" / "notes.txt", "x");
  CHECK(error_of([&] { Dataset::create_on_first_add(tmp / "busy", accel_meta()); }).find("new or empty folder") !=
        std::string::npos);
}

TEST_CASE("open_or_create refuses a different sensor configuration", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset::open_or_create(dir, accel_meta());
  const auto before = snapshot(dir);
  Meta other = accel_meta();
  other.rate_hz = 100;
  CHECK(error_of([&] { Dataset::open_or_create(dir, other); }).find("at 104 Hz") != std::string::npos);
  other = accel_meta();
  other.axes[2].unit = "g";
  CHECK_THROWS_AS(Dataset::open_or_create(dir, other), tml::Error);
  CHECK(snapshot(dir) == before);
  CHECK_NOTHROW(Dataset::open_or_create(dir, accel_meta()));
}

TEST_CASE("a corrupted or foreign manifest fails to open with a clear message", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  d.add("idle", {1, 2, 3}, "", "capture", "idle.1");
  const std::string good = tml::read_file(dir / "dataset.json");
  auto with = [&](const std::string& text) {
    write(dir / "dataset.json", text);
    return error_of([&] { Dataset::open(dir); });
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    return with(t.replace(at, from.size(), to));
  };
  CHECK(with(good.substr(0, good.size() / 2)).find("is not valid JSON") != std::string::npos);
  CHECK(with("").find("is not valid JSON") != std::string::npos);
  CHECK(with("[1,2]").find("not a dataset manifest") != std::string::npos);
  CHECK(with("{\"format\":\"other\"}").find("not a tml dataset manifest") != std::string::npos);
  CHECK(replaced("\"version\": 1", "\"version\": 2").find("newer tml") != std::string::npos);
  CHECK(replaced("\"rate_hz\": 104.0", "\"rate_hz\": -1").find("sample rate") != std::string::npos);
  CHECK(replaced("\"rate_hz\": 104.0,", "").find("no \"rate_hz\" field") != std::string::npos);
  CHECK(replaced("\"f32\"", "\"f64\"").find("sample format") != std::string::npos);
  CHECK(replaced("\"rows\":1", "\"rows\":0").find("positive integer") != std::string::npos);
  CHECK(replaced("\"split\":\"", "\"split\":\"x").find("must be \"train\" or \"test\"") != std::string::npos);
  CHECK(replaced("data/idle/idle.1.csv", "../../etc/passwd").find("must be data/idle/idle.1.csv") != std::string::npos);
  CHECK(replaced("\"label\":\"idle\"", "\"label\":\"..\"").find("names a folder") != std::string::npos);
  // The value that was given, not a clamped one (before: "test_percent ... not 101" when 1000 was given).
  CHECK(replaced("\"test_percent\": 20", "\"test_percent\": 1000").find("\"test_percent\" must be within 0..100, not 1000") !=
        std::string::npos);
  // Every message names the manifest file.
  CHECK(with("{").find((dir / "dataset.json").string()) != std::string::npos);
  fs::remove(dir / "dataset.json");
  CHECK(error_of([&] { Dataset::open(dir); }).find("no dataset at") != std::string::npos);
  CHECK(error_of([&] { Dataset::open(tmp / "nowhere"); }).find("does not exist") != std::string::npos);
  fs::create_directory(dir / "dataset.json");
  CHECK(error_of([&] { Dataset::open(dir); }).find("not a regular file") != std::string::npos);
}

TEST_CASE("load checks the sample file against the manifest", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  auto info = d.add("idle", {1, 2, 3, 4, 5, 6}, "", "capture", "idle.1");
  const fs::path file = dir / info.file;
  write(file, "accx,accy,accz\n1,2,3\n");
  CHECK(error_of([&] { d.load(info); }).find("holds 1 rows; the manifest says 2") != std::string::npos);
  write(file, "accx,accy,gyrz\n1,2,3\n4,5,6\n");
  CHECK(error_of([&] { d.load(info); }).find("'gyrz'") != std::string::npos);
  write(file, "accx,accy,accz\n1,2,3\n4,x,6\n");
  CHECK(error_of([&] { d.load(info); }).find("line 3: 'x' is not a finite number") != std::string::npos);
  write(file, "accx,accy,accz\n1,2,3\n4,5\n");
  CHECK(error_of([&] { d.load(info); }).find("line 3: 2 values, expected 3") != std::string::npos);
  fs::remove(file);
  CHECK(error_of([&] { d.load(info); }).find("is missing") != std::string::npos);
  CHECK(d.missing().size() == 1);
}

TEST_CASE("microphone datasets keep 16-bit WAV files", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "kws";
  Dataset d = Dataset::open_or_create(dir, mic_meta());
  std::vector<float> pcm = {0, 1, -1, 32767, -32768, 1234};
  auto info = d.add("yes", pcm, "mps2-an386 0.1.0", "capture", "yes.1");
  CHECK(info.file == "data/yes/yes.1.wav");
  const std::string bytes = tml::read_file(dir / info.file);
  CHECK(bytes.size() == 44 + 2 * pcm.size());
  CHECK(bytes.substr(0, 4) == "RIFF");
  CHECK(bits_equal(d.load(info).values, pcm));
  CHECK(error_of([&] { d.add("yes", {0.5f}, "", "capture"); }).find("not a 16-bit integer") != std::string::npos);
  CHECK(error_of([&] { d.add("yes", {40000}, "", "capture"); }).find("not a 16-bit integer") != std::string::npos);
}

TEST_CASE("orphan files and leftover temporary files are reported", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  d.add("idle", {1, 2, 3}, "", "capture", "idle.1");
  CHECK(d.orphans().empty());
  write(dir / "data" / "idle" / "idle.2.csv", "accx,accy,accz\n1,2,3\n");
  write(dir / "data" / "idle" / "idle.3.csv.tmp.123.456", "partial");
  write(dir / "dataset.json.tmp.99.1", "{");
  write(dir / "README.md", "notes are not orphans");
  CHECK(d.orphans() == std::vector<std::string>{"data/idle/idle.2.csv", "data/idle/idle.3.csv.tmp.123.456",
                                                 "dataset.json.tmp.99.1"});
  // An orphan blocks a sample of the same id rather than being overwritten.
  CHECK(error_of([&] { d.add("idle", {1, 2, 3}, "", "capture", "idle.2"); }).find("no manifest entry names it") !=
        std::string::npos);
}

TEST_CASE("two writers on one dataset do not lose each other's samples", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset a = Dataset::open_or_create(dir, accel_meta());
  Dataset b = Dataset::open(dir);
  a.add("idle", {1, 2, 3}, "", "capture", "idle.a");
  b.add("idle", {1, 2, 3}, "", "capture", "idle.b");
  a.add("idle", {1, 2, 3}, "", "capture", "idle.c");
  CHECK(Dataset::open(dir).samples().size() == 3);
  CHECK_THROWS_AS(b.add("idle", {1, 2, 3}, "", "capture", "idle.c"), tml::Error);
}

TEST_CASE("meta is validated", "[dataset]") {
  Meta m = accel_meta();
  CHECK_NOTHROW(validate_meta(m));
  m.axes.push_back({"accx", "m/s2"});
  CHECK(error_of([&] { validate_meta(m); }).find("appears twice") != std::string::npos);
  m = accel_meta();
  m.axes[0].name = "a,b";
  CHECK_THROWS_AS(validate_meta(m), tml::Error);
  m = accel_meta();
  m.axes.clear();
  CHECK_THROWS_AS(validate_meta(m), tml::Error);
  m = accel_meta();
  m.rate_hz = NAN;
  CHECK_THROWS_AS(validate_meta(m), tml::Error);
  m = accel_meta();
  m.test_percent = 101;
  CHECK_THROWS_AS(validate_meta(m), tml::Error);
  CHECK(describe(accel_meta()) == "accelerometer: accx (m/s2), accy (m/s2), accz (m/s2) at 104 Hz, f32");
  CHECK(stores_wav(mic_meta()));
  CHECK_FALSE(stores_wav(accel_meta()));
}

namespace {

// The pid of a process that has ended (and been reaped): what a killed writer's temporary files carry.
long dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

}  // namespace

TEST_CASE("programs creating one new dataset folder at once all succeed", "[dataset]") {
  TempDir tmp;
  for (int round = 0; round < 15; ++round) {
    const fs::path dir = tmp / ("new" + std::to_string(round));
    std::vector<pid_t> children;
    for (int c = 0; c < 3; ++c) {
      const pid_t pid = fork();
      if (pid == 0) {
        try {
          Dataset d = Dataset::open_or_create(dir, accel_meta());
          d.add("idle", {1, 2, 3}, "", "capture");
          _exit(0);
        } catch (...) {
          _exit(1);
        }
      }
      children.push_back(pid);
    }
    int failed = 0;
    for (pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    INFO("round " << round);
    CHECK(failed == 0);
    CHECK(Dataset::open(dir).samples().size() == 3);
  }
}

TEST_CASE("a folder a killed creation left is taken as new by the next one", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "new";
  // What a `tml dataset import` killed after its first sample files leaves: the marker, files, temporaries.
  fs::create_directories(dir / "data" / "idle");
  write(dir / kCreating, "x");
  write(dir / "data" / "idle" / "idle.1.csv", "accx,accy,accz\n1,2,3\n");
  write(dir / "data" / "idle" / "idle.2.csv.tmp.77.1", "acc");
  Dataset d = Dataset::create_on_first_add(dir, accel_meta());
  d.add("idle", {1, 2, 3}, "", "import", "idle.1");  // the same sample again: no "already exists"
  const Dataset again = Dataset::open(dir);
  CHECK(again.samples().size() == 1);
  CHECK(again.orphans().empty());
  CHECK_FALSE(fs::exists(dir / kCreating));
  CHECK_FALSE(fs::exists(dir / "data" / "idle" / "idle.2.csv.tmp.77.1"));
  // Killed while writing the marker itself: only the marker's temporary file (before: "the folder has other
  // files", in 1 of 24 kills of tml dataset import).
  const fs::path early = tmp / "early";
  const fs::path marker_tmp = early / (std::string(kCreating) + ".tmp." + std::to_string(dead_pid()) + ".4711");
  write(marker_tmp, "tml is cre");
  Dataset e = Dataset::create_on_first_add(early, accel_meta());
  e.add("idle", {1, 2, 3}, "", "import", "idle.1");
  CHECK(Dataset::open(early).samples().size() == 1);
  CHECK_FALSE(fs::exists(marker_tmp));
  CHECK_FALSE(fs::exists(early / kCreating));
  // Killed after its manifest, before removing the marker (1 of 24 kills of the import loop): the dataset
  // is whole, the marker is no orphan, and the next write removes it.
  write(early / kCreating, "tml is creating a dataset in this folder\n");
  Dataset late = Dataset::open(early);
  CHECK(late.orphans().empty());
  late.add("idle", {4, 5, 6}, "", "import", "idle.2");
  CHECK_FALSE(fs::exists(early / kCreating));
  CHECK(Dataset::open(early).samples().size() == 2);
  // A folder without the marker is still someone else's.
  fs::create_directories(tmp / "other" / "data");
  write(tmp / "other" / "data" / "mine.csv", "1");
  CHECK_THROWS_WITH(Dataset::create_on_first_add(tmp / "other", accel_meta()), Catch::Contains("new or empty folder"));
}

TEST_CASE("the temporary file of a killed writer not yet reaped (a zombie) is removed by the next write",
          "[dataset]") {
  // A killed program whose parent died too stays a zombie until init reaps it, which some containers'
  // init never does: kill(pid, 0) still finds it (before: its temporaries were kept as a running writer's,
  // seen in the kill loops of test_kill_cli).
  TempDir tmp;
  const pid_t child = fork();
  if (child == 0) _exit(0);
  siginfo_t info;
  REQUIRE(waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);  // exited, not reaped
  const fs::path left = tmp / ("g_model.h.tmp." + std::to_string(child) + ".77");
  write(left, "half a header");
  tml::write_file_atomic(tmp / "g_model.h", "a header");
  CHECK_FALSE(fs::exists(left));
  int status = 0;
  waitpid(child, &status, 0);
}

TEST_CASE("temporary files of killed writers are removed by the next write", "[dataset]") {
  TempDir tmp;
  const fs::path dir = tmp / "d";
  Dataset d = Dataset::open_or_create(dir, accel_meta());
  d.add("idle", {1, 2, 3}, "", "capture", "idle.1");
  const std::string dead = std::to_string(dead_pid());
  write(dir / "data" / "idle" / ("idle.9.csv.tmp." + dead + ".12"), "partial");
  write(dir / ("dataset.json.tmp." + dead + ".34"), "{");
  REQUIRE(d.orphans().size() == 2);
  d.add("idle", {4, 5, 6}, "", "capture", "idle.2");
  CHECK(d.orphans().empty());

  // Any atomic write sweeps the temporaries a killed writer of the same file left, and only those.
  write(tmp / ("out.q.model.tmp." + dead + ".5"), "half");
  write(tmp / ("other.model.tmp." + dead + ".5"), "half");
  const std::string alive = std::to_string(getpid());
  write(tmp / ("out.q.model.tmp." + alive + ".6"), "in progress");
  tml::write_file_atomic(tmp / "out.q.model", "{}");
  CHECK_FALSE(fs::exists(tmp / ("out.q.model.tmp." + dead + ".5")));
  CHECK(fs::exists(tmp / ("other.model.tmp." + dead + ".5")));
  CHECK(fs::exists(tmp / ("out.q.model.tmp." + alive + ".6")));
  CHECK(tml::is_atomic_temporary("a.csv.tmp.12.34"));
  CHECK_FALSE(tml::is_atomic_temporary("a.tmp.csv"));
}

TEST_CASE("an addition killed between its sample files and its manifest leaves no orphan and can be run again",
          "[dataset]") {
  // A program is killed after writing some of a batch's sample files, before the manifest names them (a
  // `tml dataset import` or `tml capture` killed at that moment). Before: those whole files stayed as
  // orphans nothing removed, and running the same import again failed ("already exists but no manifest
  // entry names it").
  TempDir tmp;
  std::vector<NewSample> batch(40);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].label = "idle";
    batch[i].values = std::vector<float>(90000, 0.1f * static_cast<float>(i));  // about 0.5 MB of text each
    batch[i].id = "idle.b" + std::to_string(1000 + i);
    batch[i].source = "import";
  }
  // A child adds the batch and is killed as soon as the first file of it is in place, while the others
  // (each formatted, written and fsynced) and the manifest are still to come. A machine so loaded that the
  // child finished first gets another try.
  fs::path dir;
  bool interrupted = false;
  for (int attempt = 0; attempt < 5 && !interrupted; ++attempt) {
    dir = tmp / ("d" + std::to_string(attempt));
    Dataset::open_or_create(dir, accel_meta()).add("idle", {1, 2, 3}, "", "capture", "idle.0");
    const fs::path first = dir / "data" / "idle" / "idle.b1000.csv";
    const pid_t child = fork();
    if (child == 0) {
      try {
        Dataset::open(dir).add_all(batch);
      } catch (...) {
      }
      _exit(0);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!fs::exists(first) && std::chrono::steady_clock::now() < deadline) {
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    interrupted = WIFSIGNALED(status) && Dataset::open(dir).samples().size() == 1 && fs::exists(first);
  }
  REQUIRE(interrupted);

  Dataset left = Dataset::open(dir);
  REQUIRE(left.samples().size() == 1);  // the manifest is the one before the batch
  CHECK(fs::exists(dir / kAdding));
  // The journal's files are the interrupted addition's, not foreign ones; at most the temporary file of the
  // one being written when the kill came is left over (removed by the next write too).
  for (const auto& orphan : left.orphans()) CHECK(tml::is_atomic_temporary(fs::path(orphan).filename().string()));
  // The same batch again: the interrupted addition's files are removed first, then it is added whole.
  CHECK_NOTHROW(left.add_all(batch));
  const Dataset again = Dataset::open(dir);
  CHECK(again.orphans().empty());
  CHECK(again.missing().empty());
  CHECK_FALSE(fs::exists(dir / kAdding));
  REQUIRE(again.samples().size() == 41);
  CHECK(bits_equal(again.load(again.samples()[40]).values, batch[39].values));

  // A journal that names files outside data/<label>/ (damaged, or written by hand) removes nothing.
  write(dir / "keep.txt", "mine");
  write(dir / kAdding, "keep.txt\n../outside\ndata/../keep.txt\ndata/idle/idle.0.csv\n");
  Dataset d = Dataset::open(dir);
  d.add("idle", {4, 5, 6}, "", "capture", "idle.z");
  CHECK(fs::exists(dir / "keep.txt"));
  CHECK(fs::exists(dir / "data" / "idle" / "idle.0.csv"));  // named by the manifest: added, kept
  CHECK(Dataset::open(dir).samples().size() == 42);
  CHECK_FALSE(fs::exists(dir / kAdding));
}
