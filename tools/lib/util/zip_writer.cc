#include "util/zip_writer.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tml/crc32.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml {
namespace {

void put16(std::string& o, uint32_t v) {
  o += static_cast<char>(v & 0xFF);
  o += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& o, uint32_t v) {
  put16(o, v & 0xFFFF);
  put16(o, v >> 16);
}

constexpr uint32_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr uint32_t kDosTime = 0;

}  // namespace

void write_zip(const std::filesystem::path& zip, const std::filesystem::path& folder, const std::string& top) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, fs::path>> files;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) files.emplace_back(top + "/" + fs::relative(e.path(), folder).generic_string(), e.path());
  std::sort(files.begin(), files.end());
  std::string out, central;
  for (const auto& file : files) {
    const std::string& name = file.first;  // not a structured binding: the lambda below uses it (C++17)
    const fs::path& path = file.second;
    const std::string data = read_file(path);
    if (data.size() >= 0xFFFFFFFFull || out.size() >= 0xFFFFFFFFull) throw Error(path.string() + ": too large for a ZIP archive");
    const uint32_t crc = tml_crc32(0, data.data(), data.size());
    const uint32_t offset = static_cast<uint32_t>(out.size());
    auto common = [&](std::string& o) {
      put16(o, 10);  // version needed: 1.0
      put16(o, 0x0800);  // flags: UTF-8 names
      put16(o, 0);   // stored
      put16(o, kDosTime);
      put16(o, kDosDate);
      put32(o, crc);
      put32(o, static_cast<uint32_t>(data.size()));
      put32(o, static_cast<uint32_t>(data.size()));
      put16(o, static_cast<uint32_t>(name.size()));
      put16(o, 0);  // extra field
    };
    put32(out, 0x04034b50);
    common(out);
    out += name;
    out += data;
    put32(central, 0x02014b50);
    put16(central, (3 << 8) | 20);  // made by: Unix, 2.0
    common(central);
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0100644u << 16);  // external: a regular file, rw-r--r--
    put32(central, offset);
    central += name;
  }
  if (files.size() > 0xFFFF) throw Error(folder.string() + ": too many files for a ZIP archive");
  const uint32_t central_at = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(files.size()));
  put16(out, static_cast<uint32_t>(files.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, central_at);
  put16(out, 0);
  write_file_atomic(zip, out);
}

}  // namespace tml
