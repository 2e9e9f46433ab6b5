// Running other programs (the cross compiler, bossac, arduino-cli, QEMU's siblings): argv vectors, never
// a shell, with a timeout that ends the whole process group, and a printable form for --dry-run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tml {

struct ProcessResult {
  int exit_code = -1;  // 124 after a timeout, 128 + signal when killed, 127 when it could not start
  std::string out;     // stdout (empty when passed through)
  std::string err;     // stderr (empty when passed through)
};

struct ProcessOptions {
  int timeout_s = 0;                       // 0: no limit
  bool pass_through = false;               // let the child write to our stdout/stderr instead of capturing
  std::vector<std::string> env;            // extra NAME=VALUE entries
  std::filesystem::path cwd;               // empty: ours
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A program on PATH, or nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name);

// argv as one line a user can paste into a POSIX shell.
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace tml
