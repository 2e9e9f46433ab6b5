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
#include <vector>

#include "link/board_link.h"

namespace tml::flash {

// The constants of an exported model header (`tml export`) that flashing needs.
struct HeaderConstants {
  uint32_t hash = 0;
  uint32_t blob_size = 0;
  uint32_t arena_size = 0;
  int sensor = 0;
  uint32_t rate_millihz = 0;
  uint32_t window_rows = 0;
  uint32_t stride_rows = 0;
  uint32_t axis_count = 0;
  uint32_t class_count = 0;
  std::vector<std::string> labels;  // tml_model_labels
  std::vector<uint8_t> blob;        // tml_model_blob, byte for byte
};

// Reads the TML_MODEL_* constants of a header; throws tml::Error naming what is missing (e.g. a header
// exported with another --prefix, which the board firmware cannot include).
HeaderConstants read_model_header(const std::filesystem::path& header);

struct Options {
  std::filesystem::path model;          // exported model header; empty = firmware without a model
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
