// Latency measurement: warm-up, a timed series of forwards, median and coefficient of variation, re-measurement of
// noisy series, and a resumable CSV writer with progress/ETA.
#include "latpred/measure.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "latpred/error.hpp"
#include "result_table.hpp"

namespace latpred {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds);
  return fmt::format("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60);
}

std::string ops_string(const std::vector<int>& ops) {
  std::string out;
  for (std::size_t i = 0; i < ops.size(); ++i) out += (i ? "-" : "") + std::to_string(ops[i]);
  return out;
}

void check_options(const MeasureOptions& o) {
  auto bad = [](const std::string& key, const std::string& what) { throw ConfigError({}, key, what); };
  if (o.configs.empty()) bad("configs", "at least one device configuration (batch size x threads) is needed");
  for (const auto& c : o.configs) {
    if (c.batch_size < 1 || c.threads < 1) bad("configs", "batch size and threads must be >= 1");
  }
  if (o.input_size < 8) bad("input_size", "must be >= 8 (the networks downsample 32 -> 4)");
  if (o.warmup < 0) bad("warmup", "must be >= 0");
  if (o.repeats < 2) bad("repeats", "must be >= 2 (a spread needs two timings)");
  if (!(o.max_cv > 0.0)) bad("max_cv", "must be > 0");
  if (o.max_attempts < 1) bad("max_attempts", "must be >= 1");
}

// One timed series: returns per-forward milliseconds.
std::vector<double> time_series(Network& network, const at::Tensor& input, const MeasureOptions& options) {
  for (int i = 0; i < options.warmup; ++i) network.forward(input);
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(options.repeats));
  for (int i = 0; i < options.repeats; ++i) {
    const auto start = Clock::now();
    network.forward(input);
    ms.push_back(seconds_since(start) * 1e3);
  }
  return ms;
}

LatencyStats stats_of(std::vector<double> ms) {
  LatencyStats s;
  double sum = 0.0;
  for (double v : ms) sum += v;
  s.mean_ms = sum / static_cast<double>(ms.size());
  double sq = 0.0;
  for (double v : ms) sq += (v - s.mean_ms) * (v - s.mean_ms);
  s.cv = s.mean_ms > 0.0 ? std::sqrt(sq / static_cast<double>(ms.size() - 1)) / s.mean_ms : 0.0;
  std::sort(ms.begin(), ms.end());
  const std::size_t n = ms.size();
  s.median_ms = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  return s;
}

// Restores the intra-op thread count on scope exit.
class ThreadsGuard {
 public:
  explicit ThreadsGuard(int threads) : previous_(at::get_num_threads()) { at::set_num_threads(threads); }
  ~ThreadsGuard() { at::set_num_threads(previous_); }

 private:
  int previous_;
};

}  // namespace

std::string DeviceConfig::column(const std::string& prefix) const {
  return fmt::format("{}_b{}_t{}", prefix, batch_size, threads);
}

std::vector<DeviceConfig> device_configs(const std::vector<int>& batch_sizes, const std::vector<int>& threads) {
  std::vector<DeviceConfig> out;
  for (int b : batch_sizes) {
    for (int t : threads) {
      if (b < 1 || t < 1) throw ConfigError({}, b < 1 ? "batch" : "threads", "values must be >= 1");
      out.push_back({b, t});
    }
  }
  return out;
}

LatencyStats measure_latency(Network& network, const DeviceConfig& config, const MeasureOptions& options) {
  MeasureOptions single = options;
  single.configs = {config};
  check_options(single);
  ThreadsGuard threads(config.threads);
  at::NoGradGuard no_grad;
  network.eval();
  // Values do not change the work of a dense network; a fixed generator keeps runs identical anyway.
  auto generator = at::detail::createCPUGenerator(0);
  const at::Tensor input =
      at::randn({config.batch_size, 3, options.input_size, options.input_size}, generator, at::kFloat);
  LatencyStats best;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    LatencyStats s = stats_of(time_series(network, input, options));
    if (attempt == 1 || s.cv < best.cv) best = s;
    best.attempts = attempt;
    if (best.cv <= options.max_cv) break;
  }
  best.noisy = best.cv > options.max_cv;
  return best;
}

MeasureSummary measure_archs(const Dataset& dataset, const std::vector<int64_t>& indices, const MeasureOptions& options,
                             const std::filesystem::path& output) {
  check_options(options);
  const std::string space = dataset.space().name();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (const auto& c : options.configs) {
    if (c.threads > 1 && static_cast<unsigned>(c.threads) >= cores) {
      spdlog::warn(
          "{}: {} intra-op threads on a {}-core machine oversubscribes the cores (OpenMP + OpenBLAS "
          "workers); expect slow, noisy timings",
          c.column(options.prefix), c.threads, cores);
    }
  }
  std::vector<std::string> header = {space + "_index", "ops"};
  for (const auto& c : options.configs) header.push_back(c.column(options.prefix));
  detail::ResultTable table(output, header);
  std::filesystem::path quality_path = output;
  quality_path += ".quality.csv";
  std::vector<std::string> quality_header = {space + "_index"};
  for (const auto& c : options.configs) {
    for (const char* what : {"_cv", "_attempts", "_noisy"}) quality_header.push_back(c.column(options.prefix) + what);
  }
  detail::ResultTable quality(quality_path, quality_header);

  MeasureSummary summary;
  std::vector<int64_t> todo;
  for (int64_t index : indices) {
    if (index < 0 || index >= dataset.num_archs()) {
      throw ConfigError({}, "archs",
                        "index " + std::to_string(index) + " is out of range: the " + space + " dataset has " +
                            std::to_string(dataset.num_archs()) + " architectures");
    }
    if (table.has(index)) {
      ++summary.skipped;
    } else {
      todo.push_back(index);
    }
  }
  if (summary.skipped) spdlog::info("{}: {} architectures already measured, skipped", output.string(), summary.skipped);

  NetworkOptions net_options;
  net_options.num_classes = options.num_classes;
  const auto start = Clock::now();
  auto last_log = start;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const int64_t index = todo[i];
    const auto& ops = dataset.arch_ops(index);
    auto network = build_network(space, ops, net_options);
    std::vector<std::string> fields = {ops_string(ops)};
    std::vector<std::string> quality_fields;
    for (const auto& config : options.configs) {
      const LatencyStats s = measure_latency(*network, config, options);
      fields.push_back(fmt::format("{:.6g}", s.median_ms));
      quality_fields.insert(quality_fields.end(),
                            {fmt::format("{:.4f}", s.cv), std::to_string(s.attempts), s.noisy ? "1" : "0"});
      if (s.noisy) {
        ++summary.noisy;
        spdlog::warn("{} arch {}: noisy timing (cv {:.3f} > {:.3f} after {} series); median kept",
                     config.column(options.prefix), index, s.cv, options.max_cv, s.attempts);
      }
    }
    quality.append(index, quality_fields);
    table.append(index, fields);
    ++summary.measured;
    const double elapsed = seconds_since(start);
    if (seconds_since(last_log) >= 10.0 || i + 1 == todo.size()) {
      last_log = Clock::now();
      const double per_arch = elapsed / static_cast<double>(i + 1);
      spdlog::info("measured {}/{} archs ({:.1f}%), {:.3f} s/arch, elapsed {}, ETA {}", i + 1, todo.size(),
                   100.0 * static_cast<double>(i + 1) / static_cast<double>(todo.size()), per_arch,
                   format_duration(elapsed), format_duration(per_arch * static_cast<double>(todo.size() - i - 1)));
    }
  }
  table.finish();
  quality.finish();
  summary.seconds = seconds_since(start);
  return summary;
}

}  // namespace latpred
