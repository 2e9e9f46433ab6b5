// The serial path end to end over a real tty: socat makes a pseudo-terminal pair, a "sketch" prints lines
// of numbers into one end, and `tml capture --text --port <the other end>` records them (libserialport
// refuses ptys; tml opens them with termios). Also the port closing mid-sample (the board unplugged).
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "dataset/dataset.h"
#include "run_programs.h"
#include "socat.h"

namespace fs = std::filesystem;
using tml::test::have_socat;
using tml::test::port_is_open;
using tml::test::PtyPair;

namespace {

// Writes "i,2i,-i" lines to the board end until `stop`, one every millisecond.
void sketch(const fs::path& board, std::atomic<bool>& stop, std::atomic<int>& written) {
  const int fd = open(board.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return;
  const std::string header = "x,y,z\n";
  (void)!::write(fd, header.data(), header.size());
  for (int i = 0; !stop; ++i) {
    const std::string line = std::to_string(i) + "," + std::to_string(2 * i) + ",-" + std::to_string(i) + "\n";
    if (::write(fd, line.data(), line.size()) < 0) break;
    ++written;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  close(fd);
}

}  // namespace

TEST_CASE("a text capture over a pseudo-terminal stores what the sketch printed", "[pty]") {
  if (!have_socat()) {
    WARN("socat is not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  tml::test::TempDir dir;
  PtyPair pty(dir.path());
  REQUIRE(fs::exists(pty.host));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer(sketch, pty.board, std::ref(stop), std::ref(written));
  const auto ds = dir / "ds";
  const auto r = tml::test::run_tml({"capture", "--text", "--port", pty.host.string(), "--rate", "100", "--seconds",
                                     "1", "--count", "2", "--label", "wave", "--dataset", ds.string(), "--timeout", "5",
                                     "--quiet"},
                                    60);
  stop = true;
  writer.join();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Saved 2 of 2 samples") != std::string::npos);
  const auto d = tml::dataset::Dataset::open(ds);
  REQUIRE(d.samples().size() == 2);
  for (const auto& info : d.samples()) {
    const auto s = d.load(info);
    REQUIRE(s.values.size() == 300);
    const float first = s.values[0];  // rows follow each other: i, 2i, -i with i counting up by one
    for (size_t row = 0; row < 100; ++row) {
      CHECK(s.values[row * 3] == first + static_cast<float>(row));
      CHECK(s.values[row * 3 + 1] == 2 * (first + static_cast<float>(row)));
    }
  }
}

TEST_CASE("the port closing mid-sample ends the capture with the counts printed and nothing stored", "[pty]") {
  if (!have_socat()) {
    WARN("socat is not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  tml::test::TempDir dir;
  PtyPair pty(dir.path());
  REQUIRE(fs::exists(pty.host));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer(sketch, pty.board, std::ref(stop), std::ref(written));
  std::thread unplug([&] {
    // Unplug only once tml has the port open (and the sketch has printed rows since), however slowly tml
    // starts (a sanitizer build under load): a process other than this one holds the host end of the pair.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!port_is_open(pty.host) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const int opened_at = written;
    while (written < opened_at + 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pty.end();  // the pty pair goes away, as a board unplugged from USB
  });
  const auto ds = dir / "ds";
  const auto r = tml::test::run_tml({"capture", "--text", "--port", pty.host.string(), "--rate", "10", "--seconds",
                                     "100", "--label", "wave", "--dataset", ds.string(), "--timeout", "5", "--quiet"},
                                    60);
  unplug.join();
  stop = true;
  writer.join();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Saved 0 of 1 samples") != std::string::npos);
  CHECK(r.err.find(pty.host.string()) != std::string::npos);
  CHECK_FALSE(tml::dataset::Dataset::exists(ds));
}
