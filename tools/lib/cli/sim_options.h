// The options every command that can talk to the emulated board shares (--sim-data, --sim-label,
// --sim-split, --sim-fast), and the replay set-up they describe.
#pragma once

#include <cxxopts.hpp>
#include <memory>
#include <string>

#include "emulator/sim_data.h"

namespace tml::cli {

void add_sim_options(cxxopts::Options& options);

// The emulated board's recordings for `--port sim`, or null for any other port.
std::unique_ptr<emulator::SimSetup> sim_setup(const cxxopts::ParseResult& r, const std::string& port);

}  // namespace tml::cli
