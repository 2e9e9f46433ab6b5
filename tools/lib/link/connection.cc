#include "link/connection.h"

#include "tml/trainer/error.h"

namespace tml::link {

bool is_sim(const std::string& port) { return port == "sim"; }

Connection connect(const std::string& port, const emulator::Options& sim_options) {
  Connection c;
  if (is_sim(port)) {
    c.emulator = std::make_unique<emulator::Emulator>(sim_options);
    try {
      c.transport = open_tcp("127.0.0.1", c.emulator->port(), 5000);
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + "\n" + c.emulator->log());
    }
    return c;
  }
  std::string host;
  int tcp_port = 0;
  if (parse_tcp_url(port, &host, &tcp_port)) {
    c.transport = open_tcp(host, tcp_port, 5000);
    return c;
  }
  if (port.empty()) throw UsageError("--port is empty; give a serial port, tcp://HOST:PORT or sim");
  c.transport = open_serial(port);
  return c;
}

}  // namespace tml::link
