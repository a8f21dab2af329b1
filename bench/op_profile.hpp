// Self CPU time per LibTorch operator for the benchmarks (PROFILE=1, or PROFILE=shapes to split by input shapes),
// so that cost can be attacked where it is spent. Header-only: each benchmark is one translation unit.
#pragma once

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace profiler = torch::autograd::profiler;

inline std::string shapes_text(const profiler::LegacyEvent& event) {
  std::string out;
  for (const auto& shape : event.shapes()) {
    out += out.empty() ? "[" : ", [";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
    out += "]";
  }
  return out;
}

// From the legacy profiler's push/pop events: a push opens a range on its thread, the matching pop closes it; a
// range's self time is its span minus its children's spans.
inline std::map<std::string, std::pair<double, int64_t>> self_times(const profiler::thread_event_lists& threads,
                                                                    bool by_shape) {
  std::map<std::string, std::pair<double, int64_t>> out;
  for (const auto& events : threads) {
    struct Open {
      const profiler::LegacyEvent* event;
      double children_us;
    };
    std::vector<Open> stack;
    for (const auto& e : events) {
      if (e.kindStr() == "push") {
        stack.push_back({&e, 0.0});
      } else if (e.kindStr() == "pop" && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double span = open.event->cpuElapsedUs(e);
        const std::string name = open.event->name();
        auto& entry = out[by_shape ? name + " " + shapes_text(*open.event) : name];
        entry.first += span - open.children_us;
        ++entry.second;
        if (!stack.empty()) stack.back().children_us += span;
      }
    }
  }
  return out;
}

// $PROFILE: "1" = self time per operator, "shapes" = per operator and input shapes, anything else = off.
struct ProfileMode {
  bool enabled = false;
  bool by_shape = false;
};

inline ProfileMode profile_mode_from_env() {
  const char* value = std::getenv("PROFILE");
  const std::string mode = value ? value : "";
  return {mode == "1" || mode == "shapes", mode == "shapes"};
}

// No-op when the mode is off, like print_operator_profile.
inline void start_operator_profile(const ProfileMode& mode) {
  if (!mode.enabled) return;
  profiler::enableProfilerLegacy(profiler::ProfilerConfig(profiler::ProfilerState::CPU, mode.by_shape));
}

// Stops the profiler and prints the 25 operators with the most self time as a Markdown table.
inline void print_operator_profile(const ProfileMode& mode) {
  if (!mode.enabled) return;
  const auto times = self_times(profiler::disableProfilerLegacy(), mode.by_shape);
  std::vector<std::pair<std::string, std::pair<double, int64_t>>> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  double total = 0.0;
  for (const auto& entry : sorted) total += entry.second.first;
  std::printf("\n| operator | self ms | share | calls |\n|---|---|---|---|\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(25, sorted.size()); ++i) {
    const auto& [name, value] = sorted[i];
    std::printf("| %s | %.1f | %.1f%% | %lld |\n", name.c_str(), value.first / 1000.0, 100.0 * value.first / total,
                static_cast<long long>(value.second));
  }
}
