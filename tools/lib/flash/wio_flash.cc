// `tml flash --board wio-terminal`: build the Arduino sketch with the firmware core as a library, reset the
// board into its bootloader (1200-baud touch), upload with bossac, and check the model hash it reports.
#include <chrono>
#include <ostream>
#include <thread>

#include "flash/firmware_sources.h"
#include "flash/flash.h"
#include "flash/wio_stage.h"
#include "link/connection.h"
#include "link/serial_ports.h"
#include "pipeline/model_files.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"
#include "util/process.h"
#include "util/state_dir.h"

namespace tml::flash {
namespace {

constexpr const char* kFqbn = "Seeeduino:samd:seeed_wio_terminal";
constexpr const char* kBootloaderOffset = "0x4000";  // the Wio Terminal's UF2 bootloader takes the first 16 KB

struct Builder {
  std::string name;         // "arduino-cli" or "platformio"
  std::string program;      // what to run
  bool installed = false;
};

Builder pick_builder(const std::string& wanted) {
  const bool any = wanted == "auto";
  if (!any && wanted != "arduino-cli" && wanted != "platformio")
    throw UsageError("--builder must be auto, arduino-cli or platformio");
  if (any || wanted == "arduino-cli")
    if (auto p = find_program("arduino-cli")) return {"arduino-cli", p->string(), true};
  if (any || wanted == "platformio") {
    for (const char* name : {"pio", "platformio"})
      if (auto p = find_program(name)) return {"platformio", p->string(), true};
  }
  return {any ? "arduino-cli" : wanted, wanted == "platformio" ? "pio" : "arduino-cli", false};
}

// Waits until a port whose board name is `board` appears; returns its name.
std::string wait_for_port(const std::string& board, int wait_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& p : link::list_serial_ports())
      if (p.board == board) return p.name;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return "";
}

}  // namespace

void flash_wio(const Options& o, std::ostream& out) {
  trainer::ExportedHeader model;
  if (!o.model.empty()) model = pipeline::read_model_header(o.model);
  if (o.port.empty() && o.bootloader_port.empty())
    throw UsageError("--port is required for the Wio Terminal (tml ports lists the serial ports)");
  const Builder builder = pick_builder(o.builder);
  const auto dir = o.build_dir.empty() ? state_dir() / "build" / "wio_terminal" : o.build_dir;
  const auto bin = builder.name == "arduino-cli" ? dir / "out" / "tml_wio.ino.bin"
                                                 : dir / ".pio" / "build" / "seeed_wio_terminal" / "firmware.bin";
  const std::vector<std::string> build =
      builder.name == "arduino-cli"
          ? std::vector<std::string>{builder.program, "compile", "--fqbn", kFqbn, "--libraries", (dir / "libraries").string(),
                                     "--output-dir", (dir / "out").string(), (dir / "tml_wio").string()}
          : std::vector<std::string>{builder.program, "run", "--project-dir", dir.string(), "--environment",
                                     "seeed_wio_terminal"};
  std::string bootloader = o.bootloader_port.empty() ? "<the bootloader port>" : o.bootloader_port;
  auto bossac = [&](const std::string& port) {
    return std::vector<std::string>{"bossac", "-i", "-d", "--port=" + port, "-U", "-i", std::string("--offset=") + kBootloaderOffset,
                                    "-w", "-v", bin.string(), "-R"};
  };

  // Staged in a dry run too, so the folder can be opened in the Arduino IDE or built by hand.
  const WioStage staged = stage_wio(dir, source_dir(), o.model, o.kernels);
  out << "1. Staged the sketch and the tml library (" << o.kernels << " kernels"
      << (o.model.empty() ? ", no model" : ", model " + o.model.string()) << ") in " << dir.string() << ":\n  sketch "
      << staged.sketch.string() << "\n  library " << staged.library.string() << "\n";
  out << "2. Build with " << builder.name << (builder.installed ? "" : " (NOT INSTALLED)") << ":\n  $ " << shell_command(build) << "\n";
  if (o.bootloader_port.empty())
    out << "3. Reset the board into its bootloader: open " << o.port << " at 1200 baud and close it, then wait up to "
        << o.wait_s << " s for the bootloader's port (USB 2886:002d)\n";
  else
    out << "3. The board is already in its bootloader on " << o.bootloader_port << "\n";
  out << "4. Upload:\n  $ " << shell_command(bossac(bootloader)) << "\n";
  out << "5. Wait for the board to come back (USB 2886:802d) and check that it reports "
      << (o.model.empty() ? std::string("no model") : "model " + hex32(model.hash))
      << "\n";
  out.flush();
  if (o.dry_run) return;

  if (!builder.installed)
    throw Error("neither arduino-cli nor PlatformIO (pio) is installed; install one with the Seeed SAMD core "
                "(arduino-cli core install Seeeduino:samd, or PlatformIO's atmelsam platform) and run tml flash again; "
                "tml flash --dry-run shows every command");
  if (!find_program("bossac")) throw Error("bossac is not installed; run scripts/install-deps.sh (Debian bossa-cli)");
  ProcessOptions po;
  po.timeout_s = 900;
  ProcessResult r = run_process(build, po);
  if (r.exit_code != 0)
    throw Error("building the Wio Terminal firmware failed (" + builder.name + ", exit " + std::to_string(r.exit_code) +
                "):\n" + r.out + r.err);
  if (!std::filesystem::exists(bin)) throw Error(builder.name + " built no " + bin.string());

  if (o.bootloader_port.empty()) {
    link::touch_1200_baud(o.port);
    bootloader = wait_for_port("Wio Terminal (bootloader)", o.wait_s);
    if (bootloader.empty())
      throw Error("the board did not enter its bootloader within " + std::to_string(o.wait_s) +
                  " s after the 1200-baud reset on " + o.port +
                  "; double-press its power switch (down) to enter the bootloader by hand, then use --bootloader-port");
  }
  po.timeout_s = 180;
  r = run_process(bossac(bootloader), po);
  if (r.exit_code != 0)
    throw Error("the upload failed (bossac exit " + std::to_string(r.exit_code) + "); the board may have been unplugged or "
                "left the bootloader:\n" + r.out + r.err);
  const std::string app = wait_for_port("Wio Terminal", o.wait_s);
  if (app.empty())
    throw Error("the board did not come back after the upload (no Wio Terminal port within " + std::to_string(o.wait_s) + " s)");
  link::Connection conn = link::connect(app);
  link::BoardLink board(*conn.transport);
  const link::Session s = verify_model(board, o.model.empty() ? 0 : model.hash, "the Wio Terminal on " + app);
  out << "Flashed the Wio Terminal on " << app << " (" << s.device() << ")"
      << (o.model.empty() ? "" : "; it runs the model: tml run --port " + app) << "\n";
}

}  // namespace tml::flash
