// Byte links to a board: real serial ports (libserialport) and TCP (the emulated board, networked
// boards). Everything above this — frames, messages, capture — is the same for both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tml::link {

class Transport {
 public:
  virtual ~Transport() = default;
  // Waits up to timeout_ms for data, then returns what is there (up to cap bytes); 0 means the wait
  // timed out. Throws tml::Error when the link fails or the other side closed it.
  virtual size_t read(uint8_t* buf, size_t cap, int timeout_ms) = 0;
  // Sends all bytes or throws tml::Error.
  virtual void write(const uint8_t* data, size_t len) = 0;
  // What the user named: "/dev/ttyACM0", "tcp://127.0.0.1:5555".
  virtual std::string name() const = 0;
};

// Connects to host:port, retrying until timeout_ms (a board or emulator may still be starting).
std::unique_ptr<Transport> open_tcp(const std::string& host, int port, int timeout_ms = 5000);

// Opens a serial port (8N1, no flow control, DTR on). `baud` is ignored by USB CDC boards.
std::unique_ptr<Transport> open_serial(const std::string& path, int baud = 115200);

// Splits "tcp://host:port"; returns false if `url` is not a TCP URL. Throws UsageError if it is one
// but malformed.
bool parse_tcp_url(const std::string& url, std::string* host, int* port);

}  // namespace tml::link
