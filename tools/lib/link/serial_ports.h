// Enumerating the machine's serial ports (libserialport) and recognising known boards by USB id.
#pragma once

#include <string>
#include <vector>

namespace tml::link {

struct PortInfo {
  std::string name;         // what --port takes: /dev/ttyACM0, COM3
  std::string description;  // the OS's description
  std::string transport;    // "usb", "native", "bluetooth", "unknown"
  int usb_vid = -1;         // -1 when not a USB port
  int usb_pid = -1;
  std::string board;        // "Wio Terminal", "Wio Terminal (bootloader)", or empty
};

// Known boards, by USB vendor and product id. Seeed's vendor id is 0x2886.
std::string board_for_usb_id(int vid, int pid);

// Every serial port the OS reports. Throws tml::Error if the OS cannot be asked.
std::vector<PortInfo> list_serial_ports();

// The "1200-baud touch": opening a port at 1200 baud and closing it asks an Arduino-style SAMD board to
// reset into its bootloader. Throws tml::Error if the port cannot be opened.
void touch_1200_baud(const std::string& port);

}  // namespace tml::link
