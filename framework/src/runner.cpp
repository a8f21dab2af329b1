// run_study: the resume loop over the runs of a study, with progress lines and an ETA.
#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

std::string describe(const StudyRun& run) {
  std::string out;
  for (const auto& swept : run.swept) out += " " + swept.key + "=" + swept.value;
  return out + " seed=" + std::to_string(run.config.seed);
}

std::string duration_text(double seconds) {
  const auto total = static_cast<long long>(std::llround(seconds));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  return buffer;
}

}  // namespace

StudyOutcome run_study(const Study& study, const ExperimentExecutor& execute, const RunnerOptions& options) {
  StudyOutcome outcome;
  outcome.dir = study.run_dir();
  outcome.total = study.runs.size();
  fs::create_directories(outcome.dir / "runs");
  detail::write_study_files(study, outcome.dir);
  detail::ManifestInfo manifest{"running", detail::utc_timestamp(), "", outcome};
  detail::write_manifest(study, options, manifest, outcome.dir);

  std::size_t pending = 0;
  for (const auto& run : study.runs) pending += fs::exists(detail::run_file(outcome.dir, run.key)) ? 0 : 1;
  spdlog::info("study '{}': {} runs, {} to run, {} already finished; run directory {}", study.name, outcome.total,
               pending, outcome.total - pending, outcome.dir.string());

  using Clock = std::chrono::steady_clock;
  double executed_seconds = 0.0;
  for (std::size_t i = 0; i < study.runs.size(); ++i) {
    const StudyRun& run = study.runs[i];
    const std::string position = "run " + std::to_string(i + 1) + "/" + std::to_string(outcome.total);
    if (fs::exists(detail::run_file(outcome.dir, run.key))) {
      ++outcome.skipped;
      spdlog::info("{} {}{}: finished earlier, skipped", position, run.key, describe(run));
      continue;
    }
    const std::size_t left = pending - outcome.executed;
    const std::string eta = outcome.executed
                                ? " ETA " + duration_text(executed_seconds / static_cast<double>(outcome.executed) *
                                                          static_cast<double>(left))
                                : "";
    spdlog::info("{} {}{}{}", position, run.key, describe(run), eta);
    const auto start = Clock::now();
    const ProgressFn progress = [&](const std::string& stage, int64_t done, int64_t total) {
      spdlog::debug("{} {}: {} {}/{}", position, run.key, stage, done, total);
    };
    try {
      const ExperimentResult result = execute(run.config, progress);
      // Predictions first: the run file is the "finished" marker, so it is written last.
      if (!result.predictions.empty()) detail::write_predictions(outcome.dir, run.key, result.predictions);
      detail::write_run_rows(outcome.dir, run.key, result.rows);
    } catch (const std::exception& e) {
      write_study_results(study, outcome.dir);
      manifest = {"failed", manifest.started, detail::utc_timestamp(), outcome};
      detail::write_manifest(study, options, manifest, outcome.dir);
      throw Error(position + " " + run.key + describe(run) + " failed: " + e.what() + "\n" +
                  std::to_string(outcome.skipped + outcome.executed) + " finished runs are kept in " +
                  outcome.dir.string() + "; run the study again to resume");
    }
    ++outcome.executed;
    executed_seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  write_study_results(study, outcome.dir);
  manifest = {"complete", manifest.started, detail::utc_timestamp(), outcome};
  detail::write_manifest(study, options, manifest, outcome.dir);
  spdlog::info("study '{}' complete: {} runs ({} skipped, {} executed); results in {}", study.name, outcome.total,
               outcome.skipped, outcome.executed, (outcome.dir / "results.csv").string());
  return outcome;
}

}  // namespace latpred
