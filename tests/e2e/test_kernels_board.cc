// The kernel sets on the emulated board: the self-test image (firmware/ports/mps2_an386/selftest_main.cc)
// runs the optimized kernels, built with the Cortex-M4's DSP instructions, against the reference kernels
// on random layers and the reference models' shapes, and the DSP instructions against their portable
// definitions (tml/dsp.h); it ends QEMU with status 0 only if everything matched.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "emulator/emulator.h"
#include "link/transport.h"
#include "run_programs.h"

namespace {

std::filesystem::path selftest_image() { return tml::test::firmware_image().parent_path() / "tml-selftest.elf"; }

}  // namespace

TEST_CASE("kernels on the emulated board: optimized equals reference bit for bit", "[e2e][kernels]") {
  REQUIRE(std::filesystem::exists(selftest_image()));
  tml::emulator::Options options;
  options.image = selftest_image();
  tml::emulator::Emulator emu(options);  // QEMU is always ended by its destructor
  auto link = tml::link::open_tcp("127.0.0.1", emu.port());  // the CPU starts once the host connects
  const int status = emu.wait(60000);
  const std::string log = emu.log();
  INFO(log);
  CHECK(status == 0);
  CHECK(log.find("cases passed") != std::string::npos);
}
