// A byte-exact picture of a folder tree, to prove that a failed operation left it exactly as it was.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace tml::test {

// Relative path (generic form) -> file bytes, or "<dir>" for a folder, "<link>target" for a symlink.
// An absent folder gives an empty map.
using FolderSnapshot = std::map<std::string, std::string>;
FolderSnapshot snapshot(const std::filesystem::path& dir);

}  // namespace tml::test
