// TCP transport: the emulated board (QEMU's chardev socket) and boards reachable over the network.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "link/transport.h"
#include "tml/trainer/error.h"

namespace tml::link {
namespace {

class TcpTransport : public Transport {
 public:
  TcpTransport(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~TcpTransport() override { ::close(fd_); }

  size_t read(uint8_t* buf, size_t cap, int timeout_ms) override {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) return 0;
      throw Error(name_ + ": " + std::strerror(errno));
    }
    if (r == 0) return 0;
    ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) return 0;
      throw Error(name_ + ": " + std::strerror(errno));
    }
    if (n == 0) throw Error(name_ + ": the board closed the connection");
    return static_cast<size_t>(n);
  }

  void write(const uint8_t* data, size_t len) override {
    while (len > 0) {
      ssize_t n = ::send(fd_, data, len, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error(name_ + ": " + std::strerror(errno));
      }
      data += n;
      len -= static_cast<size_t>(n);
    }
  }

  std::string name() const override { return name_; }

 private:
  int fd_;
  std::string name_;
};

}  // namespace

bool parse_tcp_url(const std::string& url, std::string* host, int* port) {
  const std::string prefix = "tcp://";
  if (url.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string rest = url.substr(prefix.size());
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
    throw UsageError("'" + url + "' is not a TCP address; write tcp://HOST:PORT");
  *host = rest.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  const std::string p = rest.substr(colon + 1);
  char* end = nullptr;
  long v = std::strtol(p.c_str(), &end, 10);
  if (*end || v <= 0 || v > 65535) throw UsageError("'" + p + "' is not a TCP port (1-65535) in '" + url + "'");
  *port = static_cast<int>(v);
  return true;
}

std::unique_ptr<Transport> open_tcp(const std::string& host, int port, int timeout_ms) {
  const std::string name = "tcp://" + host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int e = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); e != 0)
    throw Error("cannot resolve " + host + ": " + gai_strerror(e));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string why = "timed out";
  for (;;) {
    for (addrinfo* a = res; a; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        ::freeaddrinfo(res);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // commands are small: no Nagle delay
        return std::make_unique<TcpTransport>(fd, name);
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::freeaddrinfo(res);
  throw Error("cannot connect to " + name + ": " + why);
}

}  // namespace tml::link
