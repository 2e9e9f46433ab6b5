// Text-mode capture: lines of numbers from any sketch, with the rate declared or read from timestamps,
// both in-process and through `tml capture --text` over a TCP link.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "capture/capture.h"
#include "dataset/dataset.h"
#include "test_support.h"
#include "tml/trainer/error.h"

namespace {

class TextTransport : public tml::link::Transport {
 public:
  explicit TextTransport(std::string text, size_t chunk = 7) : text_(std::move(text)), chunk_(chunk) {}
  size_t read(uint8_t* buf, size_t cap, int) override {
    const size_t n = std::min({cap, chunk_, text_.size() - pos_});
    std::copy(text_.begin() + static_cast<long>(pos_), text_.begin() + static_cast<long>(pos_ + n), buf);
    pos_ += n;
    return n;
  }
  void write(const uint8_t*, size_t) override {}
  std::string name() const override { return "text"; }

 private:
  std::string text_;
  size_t chunk_;
  size_t pos_ = 0;
};

std::string lines(int n, int start, bool timestamps, double dt_ms = 10) {
  std::string s;
  for (int i = start; i < start + n; ++i) {
    if (timestamps) s += std::to_string(static_cast<long>(i * dt_ms)) + "\t";
    s += std::to_string(i) + "," + std::to_string(i * 2) + ",-" + std::to_string(i) + ".5\n";
  }
  return s;
}

}  // namespace

TEST_CASE("a declared rate gives seconds x rate rows and the header names the axes", "[text]") {
  TextTransport t("3,4\nax,ay,az\n" + lines(300, 0, false));
  tml::capture::TextOptions o;
  o.rate_hz = 100;
  tml::capture::TextStream s(t, o);
  auto rec = s.record(2.0, 1000);
  REQUIRE(rec.rows == 200);
  CHECK(rec.values[0] == 0.0f);
  CHECK(rec.values[3 * 199 + 1] == 398.0f);
  CHECK(rec.values[3 * 199 + 2] == -199.5f);
  const auto m = s.meta();
  REQUIRE(m.axes.size() == 3);
  CHECK(m.axes[1].name == "ay");
  CHECK(m.rate_hz == 100.0);
  auto next = s.record(0.5, 1000);  // continues where the first sample ended
  CHECK(next.values[0] == 200.0f);
}

TEST_CASE("the rate comes from a timestamp column and never from counting lines", "[text]") {
  TextTransport t("garbage\n" + lines(500, 0, true, 20));  // 50 Hz by the timestamps
  tml::capture::TextOptions o;
  o.timestamp_column = "0";
  tml::capture::TextStream s(t, o);
  auto rec = s.record(3.0, 1000);
  CHECK(rec.rows == 150);
  CHECK(s.meta().rate_hz == 50.0);
  CHECK(s.meta().axes.size() == 3);  // the timestamp is not an axis
  CHECK(rec.values[0] == 0.0f);
}

TEST_CASE("lines that do not fit are counted as rejected and not stored", "[text]") {
  TextTransport t("\n1,2,3\n4,5,6\n7,8\nhello,there,you\n9,10,11\n" + lines(10, 100, false));
  tml::capture::TextOptions o;
  o.rate_hz = 10;
  tml::capture::TextStream s(t, o);
  auto rec = s.record(0.5, 1000);
  REQUIRE(rec.rows == 5);
  CHECK(rec.figures.rejected == 2);
  CHECK(rec.values[6] == 9.0f);
}

TEST_CASE("text capture needs a rate and readable data", "[text]") {
  TextTransport t(lines(10, 0, false));
  CHECK_THROWS_AS(tml::capture::TextStream(t, {}), tml::UsageError);
  tml::capture::TextOptions o;
  o.rate_hz = 100;
  tml::capture::TextStream s(t, o);
  CHECK_THROWS_WITH(s.record(1.0, 200), Catch::Contains("no readable line"));
}

TEST_CASE("tml capture --text over TCP stores what a sketch prints", "[text][e2e]") {
  int srv = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(srv >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  REQUIRE(::listen(srv, 1) == 0);
  std::thread sketch([srv] {
    int c = ::accept(srv, nullptr, nullptr);
    if (c < 0) return;
    const std::string text = "\nx,y,z\n" + lines(1000, 0, false);
    (void)!::write(c, text.data(), text.size());
    ::shutdown(c, SHUT_WR);
    char b[16];
    while (::read(c, b, sizeof b) > 0) {
    }
    ::close(c);
  });
  tml::test::TempDir dir;
  const auto port = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto r = tml::test::run_tml({"capture", "--port", port, "--text", "--rate", "50", "--label", "wave", "--seconds", "4",
                               "--count", "2", "--units", "g,g,g", "--dataset", (dir / "ds").string(), "--quiet"});
  ::shutdown(srv, SHUT_RDWR);
  ::close(srv);
  sketch.join();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Saved 2 of 2 samples of 'wave'") != std::string::npos);
  const auto ds = tml::dataset::Dataset::open(dir / "ds");
  REQUIRE(ds.samples().size() == 2);
  CHECK(ds.meta().rate_hz == 50.0);
  CHECK(ds.meta().axes[2].name == "z");
  CHECK(ds.meta().axes[2].unit == "g");
  const auto second = ds.load(ds.samples()[1]);
  REQUIRE(second.values.size() == 600);
  CHECK(second.values[0] == 200.0f);  // rows 200..399
  CHECK(second.values[599] == -399.5f);
}
