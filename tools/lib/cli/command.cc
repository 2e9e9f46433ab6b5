#include "cli/command.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::cli {

namespace {

// Each line of `text` indented by two spaces.
std::string indented(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "  " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

Parser::Parser(std::string command, std::string summary, std::string example)
    : command_(std::move(command)),
      summary_(std::move(summary)),
      example_(std::move(example)),
      options_("tml " + command_, summary_) {
  options_.add_options()("h,help", "Show this help and an example");
}

bool Parser::parse(int argc, char** argv, cxxopts::ParseResult& result) {
  try {
    result = options_.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(e.what());
  }
  if (result.count("help")) {
    std::cout << help();
    return false;
  }
  if (!result.unmatched().empty()) throw UsageError("unexpected argument '" + result.unmatched().front() + "'");
  return true;
}

std::string Parser::help() const { return options_.help() + "\nExample:\n" + indented(example_); }

void Parser::require(const cxxopts::ParseResult& r, const std::string& name) {
  if (!r.count(name)) throw UsageError("--" + name + " is required");
}

int Parser::milliseconds(const cxxopts::ParseResult& r, const std::string& name, double min_s, double max_s) {
  const double s = r[name].as<double>();
  if (!(s >= min_s && s <= max_s))
    throw UsageError("--" + name + " must be between " + format("%g", min_s) + " and " + format("%g", max_s) + " s");
  return static_cast<int>(std::llround(s * 1000));
}

int run_subcommands(const std::string& command, const std::string& summary, const std::string& example,
                    const std::vector<Subcommand>& subcommands, int argc, char** argv) {
  std::string names;
  for (const auto& s : subcommands) names += (names.empty() ? "" : "|") + std::string(s.name);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << "Usage: tml " << command << " <" << names << "> [options]   (tml " << command
              << " <command> --help for each)\n\n"
              << summary << "\n\nCommands:\n";
    for (const auto& s : subcommands)
      std::cout << "  " << s.name << std::string(std::max<size_t>(2, 10 - std::strlen(s.name)), ' ') << s.summary
                << "\n";
    std::cout << "\nExample:\n" << indented(example);
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  for (const auto& s : subcommands) {
    if (sub != s.name) continue;
    try {
      return s.run(argc - 1, argv + 1);
    } catch (const UsageError& e) {
      std::cerr << "tml " << command << " " << sub << ": " << e.what() << "\nTry 'tml " << command << " " << sub
                << " --help'.\n";
      return 2;
    }
  }
  std::string list;
  for (size_t i = 0; i < subcommands.size(); ++i)
    list += std::string(i == 0 ? "" : i + 1 == subcommands.size() ? " or " : ", ") + subcommands[i].name;
  throw UsageError("unknown " + command + " command '" + sub + "': use " + list);
}

std::vector<std::string> list_option(const cxxopts::ParseResult& r, const std::string& name) {
  std::vector<std::string> out;
  if (!r.count(name) && !r[name].has_default()) return out;
  const std::string text = r[name].as<std::string>();
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(',', at), text.size());
    if (comma > at) out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

}  // namespace tml::cli
