#include "progress_display.hpp"

#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace latpred::cli {
namespace {

std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

}  // namespace

std::string progress_text(const StudyProgress& progress, std::size_t width) {
  constexpr std::size_t kBar = 20;
  const std::size_t filled = progress.total ? kBar * progress.finished / progress.total : 0;
  std::string text = "[" + std::string(filled, '#') + std::string(kBar - filled, '-') + "] " +
                     std::to_string(progress.finished) + "/" + std::to_string(progress.total) + " runs";
  if (!progress.stage.empty())
    text +=
        "  " + progress.stage + " " + std::to_string(progress.stage_done) + "/" + std::to_string(progress.stage_total);
  if (progress.eta_seconds >= 0) text += "  ETA " + duration_text(progress.eta_seconds);
  if (!progress.run.empty()) text += "  " + progress.run;  // last: the part that may be cut
  if (text.size() > width) text.resize(width);
  return text;
}

// Forwards to the original sinks with the bar erased first and redrawn after, so log lines scroll above it.
class ProgressDisplay::BarSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BarSink(std::vector<spdlog::sink_ptr> targets) : targets_(std::move(targets)) {}

  void set_bar(std::string bar) {
    std::lock_guard<std::mutex> lock(mutex_);
    bar_ = std::move(bar);
    draw();
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fputs("\r\033[K", stderr);
    bar_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    std::fputs("\r\033[K", stderr);
    for (const auto& target : targets_) {
      if (!target->should_log(message.level)) continue;
      target->log(message);
      target->flush();
    }
    draw();
  }
  void flush_() override { std::fflush(stderr); }

 private:
  void draw() {
    std::fputs(("\r\033[K" + bar_).c_str(), stderr);
    std::fflush(stderr);
  }
  std::vector<spdlog::sink_ptr> targets_;
  std::string bar_;
};

ProgressDisplay::ProgressDisplay(bool quiet) : quiet_(quiet) {
  if (quiet_ || !::isatty(STDERR_FILENO)) return;
  auto logger = spdlog::default_logger();
  original_sinks_ = logger->sinks();
  bar_ = std::make_shared<BarSink>(original_sinks_);
  logger->sinks() = {bar_};
}

ProgressDisplay::~ProgressDisplay() {
  if (!bar_) return;
  bar_->clear();
  spdlog::default_logger()->sinks() = original_sinks_;
}

void ProgressDisplay::update(const StudyProgress& progress) {
  if (bar_) {
    bar_->set_bar(progress_text(progress, terminal_width() - 1));
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool run_start = !progress.run.empty() && progress.stage.empty();  // the runner logs those itself
  if (quiet_ || run_start || now - last_line_ < std::chrono::minutes(1)) return;
  last_line_ = now;
  spdlog::info("progress: {}", progress_text(progress, 400));
}

}  // namespace latpred::cli
