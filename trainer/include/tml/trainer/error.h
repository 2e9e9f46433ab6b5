// The host's one error type, thrown by the trainer and the tools alike. Every message names what is wrong
// and, where it can, how to fix it; the CLI prints it as is and exits 1. A UsageError says that an option
// the caller chose is wrong (a value out of range, an option without the one it needs): the CLI adds
// "Try 'tml <command> --help'" and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace tml {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UsageError : Error {
  using Error::Error;
};

// Throws Error("<what>: <status name>") when a firmware call returned a negative status (tml/status.h).
void check_status(int status, const std::string& what);

namespace trainer {
using tml::Error;
using tml::UsageError;
}  // namespace trainer

}  // namespace tml
