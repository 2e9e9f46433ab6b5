// `tml flash --board sim`: build the emulated board's firmware with a model and install it.
#include <ostream>

#include "emulator/emulator.h"
#include "flash/flash.h"
#include "flash/firmware_sources.h"
#include "link/connection.h"
#include "pipeline/model_files.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"
#include "util/process.h"
#include "util/state_dir.h"

namespace tml::flash {
namespace {

void run_step(const std::vector<std::string>& argv, const Options& o, std::ostream& out, const std::string& what) {
  out << "  $ " << shell_command(argv) << "\n";
  out.flush();
  if (o.dry_run) return;
  ProcessOptions po;
  po.timeout_s = 600;
  const ProcessResult r = run_process(argv, po);
  if (r.exit_code != 0)
    throw Error(what + " failed (exit " + std::to_string(r.exit_code) + "):\n" + r.out + r.err);
}

}  // namespace

void flash_sim(const Options& o, std::ostream& out) {
  trainer::ExportedHeader model;
  if (!o.model.empty()) model = pipeline::read_model_header(o.model);
  check_kernels(o.kernels);
  if (!find_program("arm-none-eabi-gcc"))
    throw Error("arm-none-eabi-gcc is not installed; run scripts/install-deps.sh (Debian gcc-arm-none-eabi)");
  const auto src = source_dir();
  if (!std::filesystem::exists(src / "firmware" / "CMakeLists.txt"))
    throw Error("the firmware sources are not at " + (src / "firmware").string() + " (set TML_SOURCE_DIR)");
  const auto build = o.build_dir.empty()
                         ? state_dir() / "build" / ("mps2_an386-" + o.kernels + (o.model.empty() ? "" : "-model"))
                         : o.build_dir;
  const auto header = o.model.empty() ? std::filesystem::path() : std::filesystem::absolute(o.model);

  out << "Building the emulated-board firmware (" << o.kernels << " kernels"
      << (o.model.empty() ? ", no model" : ", model " + o.model.string()) << "):\n";
  run_step({"cmake", "-S", (src / "firmware").string(), "-B", build.string(), "-G", "Ninja",
            "-DCMAKE_TOOLCHAIN_FILE=" + (src / "cmake" / "arm-none-eabi.cmake").string(), "-DCMAKE_BUILD_TYPE=MinSizeRel",
            "-DTML_BOARD=mps2_an386", "-DTML_KERNELS=" + o.kernels, "-DTML_MODEL_HEADER=" + header.string()},
           o, out, "configuring the firmware build");
  run_step({"cmake", "--build", build.string()}, o, out, "building the firmware");
  const auto elf = build / "ports" / "mps2_an386" / "tml-mps2.elf";
  const auto target = emulator::flashed_image();
  out << "Booting it to check that it runs " << (o.model.empty() ? "no model" : "model " + hex32(model.hash))
      << ", then installing it as the emulated board's firmware:\n  " << elf.string() << " -> " << target.string()
      << "\n";
  if (o.dry_run) return;
  const ProcessResult size = run_process({"arm-none-eabi-size", "-B", elf.string()});
  unsigned long text = 0, data = 0, bss = 0;
  if (size.exit_code == 0) {
    const auto nl = size.out.find('\n');
    if (nl != std::string::npos) std::sscanf(size.out.c_str() + nl + 1, "%lu %lu %lu", &text, &data, &bss);
  }

  // The new image is booted from the build folder first: only an image that runs the model it was built
  // with replaces the installed firmware, so a failed flash leaves the board as it was.
  emulator::Options eo;
  eo.image = elf;
  link::Session s;
  {
    link::Connection conn = link::connect("sim", eo);
    link::BoardLink board(*conn.transport);
    s = verify_model(board, o.model.empty() ? 0 : model.hash, "the emulated board");
  }
  std::filesystem::create_directories(target.parent_path());
  write_file_atomic(target, read_file(elf));
  const std::string hash = hex32(s.model_hash);
  out << "Flashed the emulated board (" << s.device() << "): flash " << (text + data) << " bytes, RAM " << (data + bss)
      << " bytes of 192 KB.\n";
  if (o.model.empty())
    out << "It runs no model; capture with: tml capture --port sim ...\n";
  else
    out << "It runs model " << hash << " (" << model.class_count << " classes"
        << (model.value_names.empty() ? ""
                                       : ", " + std::to_string(model.value_names.size()) + " value head" +
                                             (model.value_names.size() > 1 ? "s" : ""))
        << ", arena " << model.arena_size << " bytes); see its predictions with: tml run --port sim\n";
}

}  // namespace tml::flash
