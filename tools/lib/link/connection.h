// Opening what `--port` names: a serial port, tcp://host:port, or `sim` (starts the emulated board on a
// free local port and connects to it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "link/transport.h"

namespace tml::link {

struct Connection {
  std::unique_ptr<emulator::Emulator> emulator;  // set for `sim`; ended with the connection
  std::unique_ptr<Transport> transport;
};

// True for "sim" (the emulated board).
bool is_sim(const std::string& port);

// Opens `port`. For `sim`, `sim_options` says which image and firmware arguments to start with.
// Throws tml::Error with a clear message if the port does not exist or does not answer.
Connection connect(const std::string& port, const emulator::Options& sim_options = {});

}  // namespace tml::link
