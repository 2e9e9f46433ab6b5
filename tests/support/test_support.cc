#include "test_support.h"

#include <unistd.h>

#include <random>
#include <stdexcept>

#include "util/process.h"

namespace tml::test {

TempDir::TempDir(const std::string& tag) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = std::filesystem::temp_directory_path() /
             (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000));
    std::error_code ec;
    if (std::filesystem::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  // Undo chmod games of tests that make folders unwritable, then remove.
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

RunResult run(const std::vector<std::string>& argv, int timeout_s) {
  ProcessOptions o;
  o.timeout_s = timeout_s;
  const ProcessResult p = run_process(argv, o);
  return {p.exit_code, p.out, p.err};
}

std::filesystem::path tml_state_dir() {
  // Every test process gets its own tml state (what `tml flash --board sim` leaves for `--port sim`), so
  // tests never see each other's or the user's flashed emulated board.
  static TempDir state("tml-state");
  return state.path();
}

RunResult run_tml(const std::vector<std::string>& args, int timeout_s, const std::vector<std::string>& env) {
  std::vector<std::string> argv{tml_exe().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions o;
  o.timeout_s = timeout_s;
  o.env = {"TML_STATE_DIR=" + tml_state_dir().string()};
  o.env.insert(o.env.end(), env.begin(), env.end());
  const ProcessResult p = run_process(argv, o);
  return {p.exit_code, p.out, p.err};
}

}  // namespace tml::test
