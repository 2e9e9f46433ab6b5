// The folder operations of the dataset store: an exclusive lock on the dataset folder, which serializes
// additions from several processes, and folders made in a way an interrupted write can undo.
#pragma once

#include <filesystem>
#include <vector>

namespace tml::dataset {

// Holds an exclusive flock on a folder for its lifetime. Throws tml::Error if the folder cannot be opened
// or locked.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// Creates `dir` unless it exists (then it must be a folder) and syncs its parent; appends what it created
// to `created`, so that a failed write can remove it again. Throws tml::Error on failure.
void ensure_folder(const std::filesystem::path& dir, std::vector<std::filesystem::path>& created);

}  // namespace tml::dataset
