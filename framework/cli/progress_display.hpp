// Progress of a study run for people: on a terminal a live bar kept below the log lines; in a log file a progress
// line at most once a minute (the runner logs every run start anyway).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <spdlog/sinks/sink.h>

#include "latpred/runner.hpp"

namespace latpred::cli {

class ProgressDisplay {
 public:
  // Draws a bar when stderr is a terminal and logging is not quiet; the default logger then writes through a
  // sink that lifts the bar out of the way of each log line.
  explicit ProgressDisplay(bool quiet);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void update(const StudyProgress& progress);
  bool draws_bar() const { return bar_ != nullptr; }
  StudyProgressFn callback() {
    return [this](const StudyProgress& progress) { update(progress); };
  }

 private:
  class BarSink;
  std::shared_ptr<BarSink> bar_;                       // null: not a terminal
  std::vector<spdlog::sink_ptr> original_sinks_;       // restored on destruction
  std::chrono::steady_clock::time_point last_line_{};  // of the periodic log line
  bool quiet_;
};

// One line: "[#####-----] 12/36 runs  <run>  <stage> 20/50  ETA 0:12:00", cut to `width` characters.
std::string progress_text(const StudyProgress& progress, std::size_t width);

}  // namespace latpred::cli
