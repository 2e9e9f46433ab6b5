#include "link/serial_ports.h"

#include <libserialport.h>

#include "tml/trainer/error.h"

namespace tml::link {

std::string board_for_usb_id(int vid, int pid) {
  if (vid != 0x2886) return "";
  switch (pid) {
    case 0x802D: return "Wio Terminal";
    case 0x002D: return "Wio Terminal (bootloader)";
    default: return "Seeed board";
  }
}

std::vector<PortInfo> list_serial_ports() {
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK) {
    char* msg = sp_last_error_message();
    std::string why = msg ? msg : "unknown error";
    sp_free_error_message(msg);
    throw Error("cannot list serial ports: " + why);
  }
  std::vector<PortInfo> out;
  for (int i = 0; ports[i]; ++i) {
    PortInfo info;
    info.name = sp_get_port_name(ports[i]);
    if (const char* d = sp_get_port_description(ports[i])) info.description = d;
    switch (sp_get_port_transport(ports[i])) {
      case SP_TRANSPORT_USB: {
        info.transport = "usb";
        int vid = -1, pid = -1;
        if (sp_get_port_usb_vid_pid(ports[i], &vid, &pid) == SP_OK) {
          info.usb_vid = vid;
          info.usb_pid = pid;
          info.board = board_for_usb_id(vid, pid);
        }
        break;
      }
      case SP_TRANSPORT_NATIVE: info.transport = "native"; break;
      case SP_TRANSPORT_BLUETOOTH: info.transport = "bluetooth"; break;
      default: info.transport = "unknown"; break;
    }
    out.push_back(std::move(info));
  }
  sp_free_port_list(ports);
  return out;
}

void touch_1200_baud(const std::string& port) {
  sp_port* p = nullptr;
  if (sp_get_port_by_name(port.c_str(), &p) != SP_OK) throw Error("no serial port '" + port + "' (run tml ports)");
  if (sp_open(p, SP_MODE_READ_WRITE) != SP_OK) {
    char* msg = sp_last_error_message();
    std::string why = msg ? msg : "unknown error";
    sp_free_error_message(msg);
    sp_free_port(p);
    throw Error("cannot open " + port + " for the 1200-baud reset: " + why);
  }
  sp_set_baudrate(p, 1200);
  sp_set_dtr(p, SP_DTR_OFF);
  sp_close(p);
  sp_free_port(p);
}

}  // namespace tml::link
