// What a sketch that prints numbers prints (Edge Impulse data-forwarder style), for the text-capture tests.
#pragma once

#include <string>

namespace tml::test {

// `n` lines of three values (i, 2i, -i.5) for i from `start`, each after a millisecond timestamp and a TAB
// when `timestamps`.
inline std::string sketch_lines(int n, int start, bool timestamps, double dt_ms = 10) {
  std::string s;
  for (int i = start; i < start + n; ++i) {
    if (timestamps) s += std::to_string(static_cast<long>(i * dt_ms)) + "\t";
    s += std::to_string(i) + "," + std::to_string(i * 2) + ",-" + std::to_string(i) + ".5\n";
  }
  return s;
}

}  // namespace tml::test
