// The shape every `tml` subcommand follows: a cxxopts parser that knows the command's name, a one-line
// summary and a worked example, and prints all three for --help.
//
//   int cmd_example(int argc, char** argv) {
//     tml::cli::Parser p("example", "Does one thing well.", "tml example --n 3");
//     p.options().add_options()("n", "How many", cxxopts::value<int>()->default_value("1"));
//     cxxopts::ParseResult r;
//     if (!p.parse(argc, argv, r)) return 0;   // --help was printed
//     ...
//   }
//
// Errors: throw tml::UsageError for a bad command line (exit 2), tml::Error for anything else (exit 1).
#pragma once

#include <cxxopts.hpp>
#include <string>
#include <vector>

namespace tml::cli {

class Parser {
 public:
  // `command` is the words after `tml` ("dataset import"); `example` is one or more example lines.
  Parser(std::string command, std::string summary, std::string example);

  cxxopts::Options& options() { return options_; }

  // Parses argv (argv[0] is the command word). Returns false when --help was asked for (the help was
  // printed to stdout). Throws tml::UsageError for unknown options, bad values and stray arguments.
  bool parse(int argc, char** argv, cxxopts::ParseResult& result);

  // The full --help text: usage, summary, options and the example.
  std::string help() const;

  // Throws UsageError("--name is required") unless the option was given.
  static void require(const cxxopts::ParseResult& r, const std::string& name);

  // A duration option given in seconds, in milliseconds; throws UsageError("--name must be between
  // <min_s> and <max_s> s") outside that range (so no value overflows the milliseconds).
  static int milliseconds(const cxxopts::ParseResult& r, const std::string& name, double min_s, double max_s);

 private:
  std::string command_;
  std::string summary_;
  std::string example_;
  cxxopts::Options options_;
};

// One subcommand of a command made of several ("tml dataset info|import|export").
struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);  // argv[0] is the subcommand's name
};

// Runs the subcommand argv[1] names, or prints the group's help (for --help, -h, help, or no subcommand:
// then the exit code is 2). A UsageError of the subcommand is printed with a pointer to its --help, exit 2;
// an unknown subcommand is a UsageError.
int run_subcommands(const std::string& command, const std::string& summary, const std::string& example,
                    const std::vector<Subcommand>& subcommands, int argc, char** argv);

// A comma-separated option's items ("a,b" -> {a, b}; empty items dropped); its default's when it is
// not given, none without one.
std::vector<std::string> list_option(const cxxopts::ParseResult& r, const std::string& name);

}  // namespace tml::cli
