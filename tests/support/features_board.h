// Running job files on the emulated board's front-end image (tml-features.elf) from an end-to-end test:
// the image's path, and one run of the emulator over a folder of jobs whose results it returns. Used by
// tests/e2e/test_features_board.cc and tests/e2e/test_anomaly_board.cc (they link tml_tools).
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "features_jobs.h"
#include "link/transport.h"
#include "run_programs.h"

namespace tml::test {

inline std::filesystem::path features_image() { return firmware_image().parent_path() / "tml-features.elf"; }

// Runs the jobs dir/names[i] in one emulator run; requires a clean exit and one result per job, in order.
inline std::vector<JobResult> run_feature_jobs(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  tml::emulator::Options options;
  options.image = features_image();
  for (const auto& n : names) options.firmware_args.push_back("--job=" + (dir / n).string());
  tml::emulator::Emulator emu(options);
  auto link = tml::link::open_tcp("127.0.0.1", emu.port());  // the CPU starts once the host connects
  const int status = emu.wait(120000);
  const std::string log = emu.log();
  INFO((log.size() <= 2000 ? log : log.substr(0, 1000) + "\n...\n" + log.substr(log.size() - 1000)));
  REQUIRE(status == 0);
  auto jobs = parse_jobs(log);
  REQUIRE(jobs.size() == names.size());
  return jobs;
}

}  // namespace tml::test
