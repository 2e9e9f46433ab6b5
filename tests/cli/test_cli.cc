// The CLI's contract: every subcommand answers --help with an example; bad usage exits 2.
#include <catch2/catch.hpp>

#include <sstream>

#include "run_programs.h"
#include "util/atomic_file.h"

using tml::test::run_tml;

TEST_CASE("tml with no command prints usage and exits 2", "[cli]") {
  auto r = run_tml({});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("Usage: tml <command>") != std::string::npos);
}

TEST_CASE("an unknown command is refused with exit 2", "[cli]") {
  auto r = run_tml({"frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("every subcommand has --help with an example", "[cli]") {
  auto usage = run_tml({"--help"});
  REQUIRE(usage.exit_code == 0);
  // Command names are the first word of each line in the Commands: block.
  auto start = usage.out.find("Commands:\n");
  REQUIRE(start != std::string::npos);
  auto end = usage.out.find("\n\n", start);
  std::string block = usage.out.substr(start + 10, end - start - 10);
  int seen = 0;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string::npos) eol = block.size();
    std::string line = block.substr(pos, eol - pos);
    pos = eol + 1;
    auto first = line.find_first_not_of(' ');
    std::string name = line.substr(first, line.find(' ', first) - first);
    INFO("tml " << name << " --help");
    auto r = run_tml({name, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example:\n  tml " + name) != std::string::npos);
    ++seen;
  }
  CHECK(seen >= 1);
}

TEST_CASE("an unknown option is a usage error", "[cli]") {
  auto r = run_tml({"ports", "--no-such-option"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("Try 'tml ports --help'") != std::string::npos);
}

TEST_CASE("docs/cli.md holds every command's --help verbatim", "[cli][docs]") {
  const std::string doc = tml::read_file(tml::test::source_dir() / "docs" / "cli.md");
  auto usage = run_tml({"--help"});
  REQUIRE(usage.exit_code == 0);
  CHECK(doc.find("```text\n" + usage.out + "```") != std::string::npos);
  std::vector<std::vector<std::string>> commands;
  const auto start = usage.out.find("Commands:\n");
  std::istringstream lines(usage.out.substr(start + 10, usage.out.find("\n\n", start) - start - 10));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    commands.push_back({name, "--help"});
  }
  for (const char* sub : {"info", "import", "export"}) commands.push_back({"dataset", sub, "--help"});
  REQUIRE(commands.size() >= 8);
  for (const auto& c : commands) {
    auto r = run_tml(c);
    INFO("tml " << c[0] << (c.size() > 2 ? " " + c[1] : "") << " --help differs from docs/cli.md; run scripts/update-cli-docs.sh");
    CHECK(r.exit_code == 0);
    CHECK(doc.find("```text\n" + r.out + "```") != std::string::npos);
  }
}
