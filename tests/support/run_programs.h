// Running programs from a test: any command with a timeout, and the tml binary with a private state folder;
// the built tml binary, firmware core library and emulated-board image.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace tml::test {

inline std::filesystem::path tml_exe() { return TML_EXE; }
// The firmware core as a static library, for tests that link a user's program against it.
inline std::filesystem::path core_library() { return TML_CORE_LIBRARY; }
inline std::filesystem::path firmware_image() { return TML_FIRMWARE_IMAGE; }

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a command (argv[0] looked up on PATH unless absolute) with a timeout in seconds; kills the whole
// process group when it runs over, and reports exit_code 124 then.
RunResult run(const std::vector<std::string>& argv, int timeout_s = 120);

// Runs the tml binary with the given arguments (and extra NAME=VALUE environment entries).
RunResult run_tml(const std::vector<std::string>& args, int timeout_s = 120, const std::vector<std::string>& env = {});

// This test process's private tml state folder (TML_STATE_DIR of every run_tml).
std::filesystem::path tml_state_dir();

}  // namespace tml::test
