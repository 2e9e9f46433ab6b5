// Every `tml` subcommand, one function each (argv[0] is the subcommand's name).
#pragma once

namespace tml::cli {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

// The table `tml` dispatches on, in the order `tml --help` lists them.
const Command* commands();
int command_count();

}  // namespace tml::cli
