// tml: capture sensor data, train, quantize, export and flash TinyML models, all offline.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <string>

#include "commands.h"
#include "tml/trainer/error.h"

namespace {

void print_usage() {
  std::cout << "tml " TML_VERSION " - an offline TinyML toolchain: capture, train, quantize, export, flash.\n\n"
               "Usage: tml <command> [options]     (tml <command> --help shows each command's options)\n\n"
               "Commands:\n";
  for (int i = 0; i < tml::cli::command_count(); ++i) {
    const auto& c = tml::cli::commands()[i];
    std::cout << "  " << c.name << std::string(std::max<size_t>(2, 12 - std::strlen(c.name)), ' ') << c.summary << "\n";
  }
  std::cout << "\nExample:\n  tml capture --port sim --label circle --seconds 10 --count 5 --dataset gestures/\n";
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("tml");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (const char* level = std::getenv("TML_LOG")) spdlog::set_level(spdlog::level::from_str(level));

  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "tml " TML_VERSION "\n";
    return 0;
  }
  for (int i = 0; i < tml::cli::command_count(); ++i) {
    const auto& c = tml::cli::commands()[i];
    if (std::strcmp(argv[1], c.name) != 0) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const tml::UsageError& e) {
      std::cerr << "tml " << c.name << ": " << e.what() << "\nTry 'tml " << c.name << " --help'.\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "tml " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "tml: unknown command '" << argv[1] << "'. Run 'tml --help' for the list.\n";
  return 2;
}
