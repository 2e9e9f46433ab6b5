// Starts the emulated board: qemu-system-arm, machine mps2-an386 (Cortex-M4F), running the tml firmware
// image with its UART on a TCP socket on a free local port. QEMU waits for the host to connect before the
// CPU starts, so nothing the firmware sends is lost. The process is always ended by the destructor (and
// by the kernel if tml itself dies), so a hung emulator never outlives the command that started it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tml::emulator {

struct Options {
  std::filesystem::path image;            // firmware ELF; empty = default_image()
  std::vector<std::string> firmware_args;  // passed to the firmware through semihosting ("--unpaced", ...)
  bool count_instructions = false;        // -icount shift=0: timers count guest instructions (1 tick = 40)
  int start_timeout_ms = 10000;
};

// The firmware image `tml` uses when none is given: $TML_FIRMWARE_IMAGE, else the image last flashed
// into the emulated board (`tml flash --board sim`), else the plain firmware built with tml.
std::filesystem::path default_image();

// Where `tml flash --board sim` puts the emulated board's firmware (the board's "flash memory").
std::filesystem::path flashed_image();

// The firmware built with tml, without a model.
std::filesystem::path builtin_image();

// qemu-system-arm on PATH, or throws tml::Error saying how to install it.
std::filesystem::path find_qemu();

class Emulator {
 public:
  explicit Emulator(const Options& options);  // throws tml::Error if QEMU or the image is missing or fails
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  int port() const { return port_; }            // connect to 127.0.0.1:port
  bool running();                               // false once QEMU has exited
  int exit_status() const { return status_; }   // QEMU's exit status once it has ended, else -1
  // Waits up to timeout_ms for QEMU to exit by itself; returns its exit status, or -1 on timeout.
  int wait(int timeout_ms);
  std::string log() const;                      // what QEMU and the firmware printed on stderr
  void stop();                                  // ends QEMU now (idempotent)

 private:
  void spawn(const Options& options);
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
  std::filesystem::path log_path_;
};

}  // namespace tml::emulator
