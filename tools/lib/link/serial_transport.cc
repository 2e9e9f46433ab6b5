// Serial transport over libserialport: /dev/ttyACM0, COM3, /dev/cu.usbmodem...
#include <libserialport.h>

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

}  // namespace

std::unique_ptr<Transport> open_serial(const std::string& path, int baud) {
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK)
    throw Error("no serial port '" + path + "' (run 'tml ports' to list them, or use --port sim)");
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
