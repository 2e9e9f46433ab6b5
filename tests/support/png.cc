#include "png.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tml::test {
namespace {

uint32_t be32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]; }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

}  // namespace

Image read_png(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (f.size() < 8 || std::memcmp(f.data(), sig, 8) != 0) throw std::runtime_error(path.string() + " is not a PNG");
  Image img;
  int channels = 0;
  std::vector<uint8_t> idat;
  for (size_t pos = 8; pos + 12 <= f.size();) {
    const uint32_t len = be32(&f[pos]);
    const std::string type(reinterpret_cast<const char*>(&f[pos + 4]), 4);
    if (pos + 12 + len > f.size()) throw std::runtime_error("truncated PNG");
    const uint8_t* d = &f[pos + 8];
    if (type == "IHDR") {
      img.width = static_cast<int>(be32(d));
      img.height = static_cast<int>(be32(d + 4));
      if (d[8] != 8 || (d[9] != 2 && d[9] != 6) || d[12] != 0) throw std::runtime_error("unsupported PNG kind");
      channels = d[9] == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      idat.insert(idat.end(), d, d + len);
    }
    pos += 12 + len;
  }
  if (!channels) throw std::runtime_error("PNG without a header");
  const size_t stride = static_cast<size_t>(img.width) * channels;
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK || raw_len != raw.size())
    throw std::runtime_error("corrupt PNG data");
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  img.rgb.resize(static_cast<size_t>(img.width) * img.height);
  for (int y = 0; y < img.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* src = &raw[y * (stride + 1) + 1];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(channels) ? cur[i - channels] : 0, b = prev[i],
                c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      int v = src[i];
      switch (filter) {
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: break;
      }
      cur[i] = static_cast<uint8_t>(v);
    }
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = &cur[static_cast<size_t>(x) * channels];
      img.rgb[static_cast<size_t>(y) * img.width + x] = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
    }
    std::swap(prev, cur);
  }
  return img;
}

}  // namespace tml::test
