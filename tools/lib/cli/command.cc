#include "cli/command.h"

#include <iostream>

#include "tml/trainer/error.h"

namespace tml::cli {

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

std::string Parser::help() const {
  std::string text = options_.help();
  text += "\nExample:\n";
  size_t start = 0;
  while (start < example_.size()) {
    size_t end = example_.find('\n', start);
    if (end == std::string::npos) end = example_.size();
    text += "  " + example_.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return text;
}

void Parser::require(const cxxopts::ParseResult& r, const std::string& name) {
  if (!r.count(name)) throw UsageError("--" + name + " is required");
}

}  // namespace tml::cli
