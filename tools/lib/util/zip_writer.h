// A minimal ZIP archive writer: files stored uncompressed (method 0), which every unzip, the Arduino IDE's
// "Add .ZIP Library" and PlatformIO read. Enough for a library folder of a few hundred kilobytes.
#pragma once

#include <filesystem>
#include <string>

namespace tml {

// Writes `zip` (atomically) holding every regular file under `folder`, named "<top>/<path relative to
// folder>" with '/' separators, sorted by name, dated 1980-01-01 (the same input gives the same bytes).
// Throws tml::Error on an I/O error or a file of 4 GB or more.
void write_zip(const std::filesystem::path& zip, const std::filesystem::path& folder, const std::string& top);

}  // namespace tml
