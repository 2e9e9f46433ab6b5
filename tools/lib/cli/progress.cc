#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "tml/trainer/format.h"

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

trainer::TrainCallbacks epoch_progress(int epochs, bool enabled, bool classes) {
  struct State {
    std::unique_ptr<ProgressBar> bar;
    std::chrono::steady_clock::time_point last_update{};
  };
  auto state = std::make_shared<State>();
  trainer::TrainCallbacks callbacks;
  callbacks.on_batch = [state, epochs, enabled, classes](int epoch, int done, int total, double loss, double acc) {
    if (!enabled) return;
    // A batch takes well under a millisecond: format the figures only when the bar may redraw.
    const auto now = std::chrono::steady_clock::now();
    if (state->bar && done < total && now - state->last_update < std::chrono::milliseconds(100)) return;
    state->last_update = now;
    if (!state->bar)
      state->bar = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs));
    state->bar->update(done, total, "loss " + fixed(loss, 4) + (classes ? "  acc " + fixed(acc, 4) : ""));
  };
  callbacks.on_epoch = [state, classes](const trainer::EpochStats& s) {
    std::string figures = "loss " + fixed(s.loss, 4) + (classes ? "  acc " + fixed(s.accuracy, 4) : "");
    if (s.mae >= 0) figures += "  mae " + format("%.4g", s.mae);
    if (s.val_loss >= 0) figures += "  val_loss " + fixed(s.val_loss, 4) + (classes ? "  val_acc " + fixed(s.val_accuracy, 4) : "");
    if (s.val_mae >= 0) figures += "  val_mae " + format("%.4g", s.val_mae);
    figures += "  " + fixed(s.seconds, 2) + " s";
    if (state->bar) state->bar->finish(figures);
    state->bar.reset();
  };
  return callbacks;
}

}  // namespace tml::cli
