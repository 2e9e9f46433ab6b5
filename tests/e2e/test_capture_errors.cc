// Bad input to `tml capture`: a clear message, a non-zero exit, and the dataset left exactly as it was.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

// Every file under `dir` with its bytes.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    out[std::filesystem::relative(e.path(), dir).string()] = e.is_regular_file() ? tml::read_file(e.path()) : "<dir>";
  return out;
}

// A small dataset made by a real capture from the emulated board.
std::filesystem::path make_dataset(const TempDir& dir) {
  const auto ds = dir / "ds";
  auto r = run_tml({"capture", "--port", "sim", "--sim-fast", "--sensor", "light", "--label", "day", "--seconds", "1",
                    "--dataset", ds.string(), "--quiet"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return ds;
}

}  // namespace

TEST_CASE("bad ports are refused clearly and leave the dataset alone", "[e2e][errors]") {
  TempDir dir;
  const auto ds = make_dataset(dir);
  const auto before = snapshot(ds);
  struct Case {
    std::string port;
    int exit;
    std::string message;
  };
  const Case cases[] = {
      {"/dev/ttyNOPE42", 1, "no serial port '/dev/ttyNOPE42'"},
      {"tcp://127.0.0.1:1", 1, "cannot connect to tcp://127.0.0.1:1"},
      {"tcp://127.0.0.1", 2, "is not a TCP address"},
      {"tcp://localhost:99999", 2, "is not a TCP port"},
  };
  for (const auto& c : cases) {
    INFO("--port " << c.port);
    auto r = run_tml({"capture", "--port", c.port, "--label", "day", "--seconds", "1", "--dataset", ds.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == c.exit);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(snapshot(ds) == before);
  }
}

TEST_CASE("bad labels and options are refused before anything is recorded", "[e2e][errors]") {
  TempDir dir;
  const auto ds = dir / "never";
  for (const std::string label : {"../escape", "a/b", "", "..", "tab\there"}) {
    INFO("label '" << label << "'");
    auto r = run_tml({"capture", "--port", "sim", "--label", label, "--seconds", "1", "--dataset", ds.string()});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("label") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(ds));
  }
  auto r = run_tml({"capture", "--port", "sim", "--label", "ok", "--seconds", "-1", "--dataset", ds.string()});
  CHECK(r.exit_code == 2);
  r = run_tml({"capture", "--port", "sim", "--label", "ok", "--dataset", ds.string(), "--sensor", "sonar"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown sensor 'sonar'") != std::string::npos);
  r = run_tml({"capture", "--label", "ok", "--dataset", ds.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--port is required") != std::string::npos);
  for (const char* timeout : {"3000000", "0.01", "0"}) {  // milliseconds that overflow an int, too short, none
    INFO("--timeout " << timeout);
    r = run_tml({"capture", "--port", "sim", "--label", "ok", "--dataset", ds.string(), "--timeout", timeout});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--timeout must be between 0.1 and 86400 s") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(ds));
}

TEST_CASE("a dataset of another sensor or rate is not mixed with a new capture", "[e2e][errors]") {
  TempDir dir;
  const auto ds = make_dataset(dir);  // light at 10 Hz
  const auto before = snapshot(ds);
  auto r = run_tml({"capture", "--port", "sim", "--sim-fast", "--sensor", "light", "--rate", "20", "--label", "day",
                    "--seconds", "1", "--dataset", ds.string(), "--quiet"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("error") != std::string::npos);
  CHECK(snapshot(ds) == before);
}

TEST_CASE("an unwritable dataset location fails clearly and changes nothing", "[e2e][errors]") {
  TempDir dir;
  // A plain file where the dataset folder should be: no write can succeed, even as root.
  const auto blocker = dir / "file";
  { std::ofstream(blocker) << "not a folder"; }
  auto r = run_tml({"capture", "--port", "sim", "--sim-fast", "--sensor", "light", "--label", "day", "--seconds", "1",
                    "--dataset", (blocker / "ds").string(), "--quiet"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("error") != std::string::npos);
  CHECK(tml::read_file(blocker) == "not a folder");
}
