// A private scratch folder under the system temp dir, removed with its contents on destruction
// (for datasets imported on the fly).
#pragma once

#include <filesystem>
#include <string>

namespace tml::train {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);  // creates <tmp>/<tag>-XXXXXX; throws tml::Error on failure
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tml::train
