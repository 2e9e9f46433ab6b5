#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace tml::cli {

ProgressBar::ProgressBar(std::string title, bool enabled)
    : title_(std::move(title)), enabled_(enabled), tty_(::isatty(2) != 0) {}

void ProgressBar::update(double done, double total, const std::string& figures) {
  done_ = done;
  total_ = total;
  if (!enabled_ || !tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(figures);
}

void ProgressBar::draw(const std::string& figures) {
  constexpr int kWidth = 24;
  const double frac = total_ > 0 ? std::min(1.0, done_ / total_) : 0;
  const int filled = static_cast<int>(frac * kWidth + 0.5);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "%s%s [%s] %3d%%  %s%s", tty_ ? "\r" : "", title_.c_str(), bar.c_str(),
               static_cast<int>(frac * 100 + 0.5), figures.c_str(), tty_ ? "\x1b[K" : "");
  std::fflush(stderr);
}

void ProgressBar::finish(const std::string& figures) {
  if (!enabled_) return;
  draw(figures);
  std::fputc('\n', stderr);
}

}  // namespace tml::cli
