#include "cli/sim_options.h"

#include "link/connection.h"

namespace tml::cli {

void add_sim_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Emulated board (--port sim)")
    ("sim-data", "Recordings the emulated sensors replay: a dataset folder or anything 'tml dataset import' reads (default: the shipped examples)", cxxopts::value<std::string>())
    ("sim-label", "Replay only the recordings with this label", cxxopts::value<std::string>())
    ("sim-split", "Replay only this split (train or test)", cxxopts::value<std::string>())
    ("sim-fast", "Replay as fast as the link allows instead of in real time (the data is the same)");
  // clang-format on
}

std::unique_ptr<emulator::SimSetup> sim_setup(const cxxopts::ParseResult& r, const std::string& port) {
  if (!link::is_sim(port)) return nullptr;
  emulator::SimData data = emulator::default_sim_data();
  if (r.count("sim-data")) data.sources = {r["sim-data"].as<std::string>()};
  if (r.count("sim-label")) data.label = r["sim-label"].as<std::string>();
  if (r.count("sim-split")) data.split = r["sim-split"].as<std::string>();
  data.unpaced = r.count("sim-fast") > 0;
  return std::make_unique<emulator::SimSetup>(data);
}

}  // namespace tml::cli
