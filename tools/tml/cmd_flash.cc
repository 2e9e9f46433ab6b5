// tml flash: put the firmware and a model on a board (the emulated board or a Wio Terminal).
#include <iostream>

#include "cli/command.h"
#include "emulator/emulator.h"
#include "flash/flash.h"
#include "link/connection.h"
#include "tml/trainer/error.h"

namespace tml::cli {

int cmd_flash(int argc, char** argv) {
  Parser p("flash",
           "Build the board firmware with a model header (from tml export), put it on the board and check that the "
           "board runs that model. --board sim installs it as the emulated board's firmware, which --port sim boots "
           "from then on; --board wio-terminal builds with arduino-cli or PlatformIO and uploads with bossac.",
           "tml flash --board sim --model gestures_model.h\n"
           "tml flash --board wio-terminal --model gestures_model.h --port /dev/ttyACM0\n"
           "tml flash --board wio-terminal --model gestures_model.h --port /dev/ttyACM0 --dry-run\n"
           "tml flash --board sim --erase");
  // clang-format off
  p.options().add_options()
    ("board", "sim (the emulated board) or wio-terminal", cxxopts::value<std::string>())
    ("model", "Model header from tml export (without it: the firmware alone, for capturing)", cxxopts::value<std::string>())
    ("port", "wio-terminal: the board's serial port", cxxopts::value<std::string>())
    ("kernels", "Kernel set: optimized (Cortex-M4 DSP instructions) or reference; both give the same bits", cxxopts::value<std::string>()->default_value("optimized"))
    ("builder", "wio-terminal: auto, arduino-cli or platformio", cxxopts::value<std::string>()->default_value("auto"))
    ("bootloader-port", "wio-terminal: the board is already in its bootloader on this port (skips the 1200-baud reset)", cxxopts::value<std::string>())
    ("build-dir", "Where to build (default: under the tml state folder)", cxxopts::value<std::string>())
    ("erase", "sim: remove the flashed firmware; the emulated board boots the plain capture firmware again")
    ("dry-run", "Print every step and command without running anything (wio-terminal: the sketch is still staged, and its folder shown, to open or build by hand)");
  // clang-format on
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "board");
  const std::string board = r["board"].as<std::string>();
  flash::Options o;
  if (r.count("model")) o.model = r["model"].as<std::string>();
  o.kernels = r["kernels"].as<std::string>();
  o.dry_run = r.count("dry-run") > 0;
  if (r.count("build-dir")) o.build_dir = r["build-dir"].as<std::string>();
  if (r.count("port")) o.port = r["port"].as<std::string>();
  o.builder = r["builder"].as<std::string>();
  if (r.count("bootloader-port")) o.bootloader_port = r["bootloader-port"].as<std::string>();

  if (board == "sim") {
    if (r.count("erase")) {
      const auto image = emulator::flashed_image();
      std::cout << "Erasing the emulated board's firmware: rm " << image.string() << "\n";
      if (!o.dry_run) std::filesystem::remove(image);
      return 0;
    }
    flash::flash_sim(o, std::cout);
    return 0;
  }
  if (board == "wio-terminal" || board == "wio") {
    if (r.count("erase")) throw UsageError("--erase is for --board sim");
    flash::flash_wio(o, std::cout);
    return 0;
  }
  throw UsageError("unknown board '" + board + "' (sim or wio-terminal)");
}

}  // namespace tml::cli
