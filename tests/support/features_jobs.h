// Jobs for the emulated board's front-end image (firmware/ports/mps2_an386/features_main.cc): the file
// format it reads, and the lines it prints. Used by tests/e2e/test_features_board.cc (bit-exactness) and
// bench/bench_kernels.cc (instruction counts).
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tml::test {

enum class JobMode : uint32_t { features_f32 = 0, features_i16 = 1, model_f32 = 2, math = 3 };

// Writes a job: the header, `data` (a front-end section or a model blob) padded to 4, then the input.
template <typename T>
inline void write_job(const std::filesystem::path& path, JobMode mode, const std::vector<uint8_t>& data,
                      const std::vector<T>& input, float scale = 1.0f, uint32_t reps = 1) {
  const uint32_t header[6] = {0x4A4C4D54u, static_cast<uint32_t>(mode), 0, reps, static_cast<uint32_t>(data.size()),
                              static_cast<uint32_t>(input.size())};
  std::vector<uint8_t> bytes(sizeof header);
  std::memcpy(bytes.data(), header, sizeof header);
  std::memcpy(bytes.data() + 8, &scale, 4);
  bytes.insert(bytes.end(), data.begin(), data.end());
  while (bytes.size() % 4) bytes.push_back(0);
  const auto* p = reinterpret_cast<const uint8_t*>(input.data());
  bytes.insert(bytes.end(), p, p + input.size() * sizeof(T));
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

struct JobResult {
  std::string path;
  int status = -99;
  long count = 0, ticks = 0, reps = 0;
  long frame_ticks = -1, frame_reps = 0;
  std::string out;  // hex bytes
};

// The jobs in the order the image ran them.
inline std::vector<JobResult> parse_jobs(const std::string& log) {
  std::vector<JobResult> jobs;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string first, key;
    w >> first;
    if (first == "job") {
      jobs.emplace_back();
      JobResult& j = jobs.back();
      w >> j.path;
      while (w >> key) {
        if (key == "status") w >> j.status;
        if (key == "count") w >> j.count;
        if (key == "ticks") w >> j.ticks;
        if (key == "reps") w >> j.reps;
      }
    } else if (first == "frame" && !jobs.empty()) {
      w >> key >> jobs.back().frame_ticks >> key >> jobs.back().frame_reps;
    } else if (first == "out" && !jobs.empty()) {
      w >> jobs.back().out;
    }
  }
  return jobs;
}

inline std::string to_hex(const void* data, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

inline std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace tml::test
