// What the benchmarks share: running a peer program and reading its output, the median of the runs, and
// reading an option's value (and lists of numbers) from the command line.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace tml::bench {

// Runs a shell command; returns its exit status (-1 when it could not run or did not exit) and its stdout.
inline int run_command(const std::string& cmd, std::string& out) {
  out.clear();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The last line of a peer's output that starts with '{': the JSON line it prints at the end.
inline std::string last_json_line(const std::string& out) {
  const auto start = out.rfind("\n{");
  return out.substr(start == std::string::npos ? 0 : start + 1);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The value after argv[i] (and i moves past it); exits with a message naming `program` when there is none.
inline std::string option_value(int argc, char** argv, int& i, const char* program) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s: %s needs a value\n", program, argv[i]);
    std::exit(2);
  }
  return argv[++i];
}

// "32,8,32" as numbers, and back.
inline std::vector<int> int_list(const std::string& text) {
  std::vector<int> out;
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(',', at), text.size());
    out.push_back(std::atoi(text.substr(at, comma - at).c_str()));
    at = comma + 1;
  }
  return out;
}
inline std::string join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

}  // namespace tml::bench
