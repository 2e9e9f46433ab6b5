// tml ports: the serial ports this machine has, with recognised boards marked.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "link/serial_ports.h"
#include "tml/trainer/format.h"

namespace tml::cli {

int cmd_ports(int argc, char** argv) {
  Parser p("ports", "List serial ports; a Wio Terminal (USB vendor 0x2886) is named as such.",
           "tml ports\n"
           "tml capture --port /dev/ttyACM0 --label idle --seconds 10 --dataset gestures/");
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;

  const auto ports = link::list_serial_ports();
  if (ports.empty()) {
    std::cout << "No serial ports found. The emulated board needs none: use --port sim.\n";
    return 0;
  }
  for (const auto& port : ports) {
    std::cout << port.name;
    if (port.usb_vid >= 0) std::cout << format("  usb %04x:%04x", port.usb_vid, port.usb_pid);
    if (!port.board.empty()) std::cout << "  [" << port.board << "]";
    if (!port.description.empty()) std::cout << "  " << port.description;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace tml::cli
