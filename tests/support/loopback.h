// The host's link to a board in the test process: a Transport whose other end is a FakeBoard, with faults
// injected into what the board sends. For tests of the link and of everything above it (capture, tml run).
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "fake_board.h"
#include "link/transport.h"

namespace tml::test {

// A Transport whose other end is a FakeBoard. Every frame the board sends passes through `filter`,
// which may drop it (return false) or change its bytes.
class LoopbackTransport : public link::Transport {
 public:
  explicit LoopbackTransport(FakeBoard& board) : board_(board) {}
  std::function<bool(int index, std::vector<uint8_t>& frame)> filter;
  bool silent = false;  // the board never runs (unplugged, wrong firmware)

  size_t read(uint8_t* buf, size_t cap, int) override {
    if (!silent && out_.empty()) {
      board_.poll(4);
      take_frames();
    }
    const size_t n = std::min(cap, out_.size());
    std::copy(out_.begin(), out_.begin() + static_cast<long>(n), buf);
    out_.erase(out_.begin(), out_.begin() + static_cast<long>(n));
    return n;
  }
  void write(const uint8_t* data, size_t len) override { board_.host_send({data, data + len}); }
  std::string name() const override { return "loopback"; }

 private:
  void take_frames() {
    for (; taken_ < board_.tx.size(); ++taken_) {
      pending_.push_back(board_.tx[taken_]);
      if (board_.tx[taken_] != 0) continue;
      if (pending_.size() > 1 && (!filter || filter(index_++, pending_)))
        out_.insert(out_.end(), pending_.begin(), pending_.end());
      pending_.clear();
    }
  }
  FakeBoard& board_;
  size_t taken_ = 0;
  int index_ = 0;
  std::vector<uint8_t> pending_, out_;
};

// The message type of an encoded frame as LoopbackTransport::filter sees it.
inline uint8_t frame_type(const std::vector<uint8_t>& encoded) {
  // COBS: the first code byte is followed by the header's version byte then the type, unless a zero
  // ended the first block after one byte; tml's header never starts with a zero, so byte 2 is the type.
  return encoded.size() > 2 ? encoded[2] : 0;
}

}  // namespace tml::test
