// Atomic file writes: the data goes to a temporary file in the same folder, is flushed to disk
// (fsync), and is renamed over the target, then the folder itself is synced. A reader sees either
// the old file or the whole new one, never a torn write, even if the process dies half way.
#pragma once

#include <filesystem>
#include <string_view>

namespace tml {

// Writes `data` to `path` atomically. Throws tml::Error (with the OS reason) on any failure and
// leaves whatever was at `path` untouched. Temporary files of earlier writes to `path` by processes that
// no longer run (killed half way) are removed first.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

// Whether `name` is a temporary file of write_file_atomic ("<target>.tmp.<pid>.<random>"); sets *pid.
bool is_atomic_temporary(const std::string& name, long* pid = nullptr);

// Removes the temporary files write_file_atomic left in `dir` (not below it): those of processes that no
// longer run (gone, or zombies: killed and not yet reaped), or every one when `all` (the caller holds a lock that every writer of `dir` takes).
// Returns how many were removed. Never throws.
size_t remove_stale_temporaries(const std::filesystem::path& dir, bool all = false, const std::string& target = "");

// Flushes a folder's entries to disk (after files in it were created or renamed); best effort.
void sync_folder(const std::filesystem::path& dir);

// Reads a whole file. Throws tml::Error naming the file if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace tml
