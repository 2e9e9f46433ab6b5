// Errors above the firmware boundary. Host code throws tml::Error with a message a user can act on;
// the CLI prints it and exits non-zero. UsageError means the command line itself is wrong (exit 2).
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

// Throws Error("<what>: <status name>") when a firmware call returned a negative status.
void check_status(int status, const std::string& what);

}  // namespace tml
