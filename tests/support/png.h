// Reading a PNG screenshot (8-bit RGB or RGBA, not interlaced, as Chromium writes them) into pixels, so a
// test can tell whether a rendered page shows anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tml::test {

struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> rgb;  // 0xRRGGBB per pixel, row-major
  uint32_t at(int x, int y) const { return rgb[static_cast<size_t>(y) * width + x]; }
};

// Throws std::runtime_error for anything it cannot read.
Image read_png(const std::filesystem::path& path);

}  // namespace tml::test
