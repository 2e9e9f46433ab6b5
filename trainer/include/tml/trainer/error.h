// The trainer's one exception type. Every message names what is wrong and, where it can, how to fix it;
// the CLI prints it as is and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace tml::trainer {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tml::trainer
