// Putting firmware and a model on a board: `tml flash`.
//
//   emulated board (sim): build the mps2-an386 image with the model header (arm-none-eabi-gcc), install it
//     as the emulated board's firmware (what `--port sim` boots from then on) and boot it once to check that
//     it runs the model.
//   Wio Terminal: build the Arduino sketch with the firmware core as a library (arduino-cli or PlatformIO),
//     reset the board into its bootloader with the 1200-baud touch, upload with bossac, wait for the board
//     to come back and check the model hash in its session header.
//
// Every external command is listed before it runs; with dry_run nothing runs and the list is the output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "link/board_link.h"

namespace tml::flash {

struct Options {
  std::filesystem::path model;          // exported model header (pipeline::read_model_header); empty = none
  std::string kernels = "optimized";    // firmware kernel set: optimized or reference
  bool dry_run = false;
  std::filesystem::path build_dir;      // empty: under the tml state folder
  // Wio Terminal
  std::string port;                     // the board's serial port (application mode)
  std::string builder = "auto";         // auto, arduino-cli or platformio
  std::string bootloader_port;          // skip the 1200-baud touch: the board already is in its bootloader here
  int wait_s = 15;                      // how long to wait for the board to (re)appear
};

void flash_sim(const Options& options, std::ostream& out);
void flash_wio(const Options& options, std::ostream& out);

// Says hello to a board and checks that it runs the model with `expected_hash` (0: no model). Throws
// tml::Error with what the board answered otherwise. Returns the session header.
link::Session verify_model(link::BoardLink& board, uint32_t expected_hash, const std::string& where);

}  // namespace tml::flash
