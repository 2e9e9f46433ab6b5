// A fixed set of threads that run one function over indices 0..n-1 and wait for all of them (private to
// the trainer). Index 0 runs on the calling thread. The split of work never depends on timing, so results
// are deterministic for a given thread count.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tml::trainer::detail {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(i) for every i < size(), i = 0 here, and returns when all have returned. Rethrows the first
  // exception any of them threw.
  void run(const std::function<void(int)>& fn);

 private:
  void loop(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  const std::function<void(int)>* job_ = nullptr;
  unsigned long generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace tml::trainer::detail
