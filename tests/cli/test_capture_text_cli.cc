// `tml capture --text` over a TCP link: what a sketch printing numbers sends is stored as a dataset.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "dataset/dataset.h"
#include "run_programs.h"
#include "text_sketch.h"

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
    const std::string text = "\nx,y,z\n" + tml::test::sketch_lines(1000, 0, false);
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
