// Serial transport over libserialport: /dev/ttyACM0, COM3, /dev/cu.usbmodem... Ports libserialport
// refuses (pseudo-terminals such as /dev/pts/N and socat links to them) are opened with termios directly.
#include <libserialport.h>

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#endif

#include "link/transport.h"
#include "tml/trainer/error.h"

namespace tml::link {
namespace {

std::string sp_error() {
  char* msg = sp_last_error_message();
  std::string s = msg ? msg : "unknown error";
  sp_free_error_message(msg);
  return s;
}

class SerialTransport : public Transport {
 public:
  SerialTransport(sp_port* port, std::string name) : port_(port), name_(std::move(name)) {}
  ~SerialTransport() override {
    sp_close(port_);
    sp_free_port(port_);
  }

  size_t read(uint8_t* buf, size_t cap, int timeout_ms) override {
    sp_return r = sp_blocking_read_next(port_, buf, cap, static_cast<unsigned>(timeout_ms));
    if (r < 0) throw Error(name_ + ": " + sp_error() + " (was the board unplugged?)");
    return static_cast<size_t>(r);
  }

  void write(const uint8_t* data, size_t len) override {
    sp_return r = sp_blocking_write(port_, data, len, 2000);
    if (r < 0) throw Error(name_ + ": " + sp_error());
    if (static_cast<size_t>(r) != len) throw Error(name_ + ": write timed out (is the board still running?)");
  }

  std::string name() const override { return name_; }

 private:
  sp_port* port_;
  std::string name_;
};

#ifndef _WIN32
// A tty opened with termios: raw 8N1, no flow control, reads with poll().
class TermiosTransport : public Transport {
 public:
  TermiosTransport(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~TermiosTransport() override { ::close(fd_); }

  size_t read(uint8_t* buf, size_t cap, int timeout_ms) override {
    pollfd p{fd_, POLLIN, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) throw Error(name_ + ": " + std::strerror(errno));
    if (r == 0) return 0;
    if (p.revents & POLLIN) {
      const ssize_t n = ::read(fd_, buf, cap);
      if (n > 0) return static_cast<size_t>(n);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    }
    // POLLHUP, or end of file / EIO: the other side closed (unplugged).
    throw closed();
  }

  void write(const uint8_t* data, size_t len) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (len > 0) {
      const ssize_t n = ::write(fd_, data, len);
      if (n > 0) {
        data += n;
        len -= static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && gone(errno)) throw closed();
      if (n < 0 && errno != EAGAIN && errno != EINTR) throw Error(name_ + ": " + std::strerror(errno));
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(name_ + ": write timed out (is the board still running?)");
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, 100);
    }
  }

  std::string name() const override { return name_; }

 private:
  // What a write to a tty whose other side went away (a USB board unplugged, a pty pair closed) fails with.
  static bool gone(int e) { return e == EIO || e == ENXIO || e == ENODEV; }
  Error closed() const { return Error(name_ + ": the port closed (was the board unplugged?)"); }

  int fd_;
  std::string name_;
};

speed_t speed_of(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return B115200;
  }
}

// Opens `path` as a raw tty, or returns nullptr (with errno) if it is not one.
std::unique_ptr<Transport> open_termios(const std::string& path, int baud) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return nullptr;
  termios t{};
  if (!::isatty(fd) || ::tcgetattr(fd, &t) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e ? e : ENOTTY;
    return nullptr;
  }
  ::cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS | CSTOPB);
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  ::cfsetispeed(&t, speed_of(baud));
  ::cfsetospeed(&t, speed_of(baud));
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return nullptr;
  }
  return std::make_unique<TermiosTransport>(fd, path);
}
#endif

}  // namespace

std::unique_ptr<Transport> open_serial(const std::string& path, int baud) {
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK) {
#ifndef _WIN32
    // libserialport knows only the ports it can enumerate; any other tty (a pty) is opened directly.
    if (auto t = open_termios(path, baud)) return t;
    if (errno != ENOENT && errno != ENOTTY)
      throw Error("cannot open " + path + ": " + std::strerror(errno));
#endif
    throw Error("no serial port '" + path + "' (run 'tml ports' to list them, or use --port sim)");
  }
  if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
    const std::string why = sp_error();
    sp_free_port(port);
    throw Error("cannot open " + path + ": " + why);
  }
  sp_port_config* cfg = nullptr;
  bool ok = sp_new_config(&cfg) == SP_OK && sp_set_config_baudrate(cfg, baud) == SP_OK &&
            sp_set_config_bits(cfg, 8) == SP_OK && sp_set_config_parity(cfg, SP_PARITY_NONE) == SP_OK &&
            sp_set_config_stopbits(cfg, 1) == SP_OK && sp_set_config_flowcontrol(cfg, SP_FLOWCONTROL_NONE) == SP_OK &&
            sp_set_config_dtr(cfg, SP_DTR_ON) == SP_OK && sp_set_config(port, cfg) == SP_OK;
  sp_free_config(cfg);
  if (!ok) {
    const std::string why = sp_error();
    sp_close(port);
    sp_free_port(port);
    throw Error("cannot configure " + path + ": " + why);
  }
  return std::make_unique<SerialTransport>(port, path);
}

}  // namespace tml::link
