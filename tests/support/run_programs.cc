#include "run_programs.h"

#include "util/process.h"

namespace tml::test {

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
