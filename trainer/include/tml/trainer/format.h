// Numbers as text, one set for the whole host side (messages, printed reports, JSON): printf into a
// string, fixed decimals, thousands separators, hashes in hex, the shortest decimal of a float; and
// lists of names in one line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tml {

// printf into a string ("%.1f s" -> "2.5 s"); at most 1023 characters.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// `v` with `decimals` digits after the point: fixed(2.0 / 3, 2) == "0.67".
std::string fixed(double v, int decimals);

// Digits grouped by three: thousands(363024) == "363,024", thousands(-1200) == "-1,200".
std::string thousands(int64_t v);

// A 32-bit hash as the board reports it: hex32(0x1a2b3c) == "001a2b3c".
std::string hex32(uint32_t v);

// The double that prints as the shortest decimal reading back as `v` (0.001f -> 0.001, not
// 0.0010000000475), for JSON that people read; infinities and NaN unchanged.
double shortest(float v);

// The items in one line: join({"idle", "wave"}) == "idle, wave"; "" for none.
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace tml
