// run_study and run_study_worker: the resume loop over the runs of a study, with progress lines and an ETA.
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(const StudyRun& run) {
  std::string out;
  for (const auto& swept : run.swept) out += " " + swept.key + "=" + swept.value;
  return out + " seed=" + std::to_string(run.config.seed);
}

// How a loop over runs behaves: as the whole study (or one shard), or as one of several --jobs workers.
struct LoopMode {
  Shard shard;
  bool claim = false;  // take a run only after claiming it exclusively (workers)
};

// The pretraining group of a run: its pretrain_key (the run key when a test-made run has none).
const std::string& group_key(const StudyRun& run) { return run.pretrain_key.empty() ? run.key : run.pretrain_key; }

// The order in which a loop visits `selected`: plan order; for workers, the runs of one pretraining group (same
// pretrain_key) together, groups in order of first appearance.
std::vector<std::size_t> work_order(const Study& study, const std::vector<std::size_t>& selected, bool by_group) {
  if (!by_group) return selected;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::size_t>> members;
  for (const std::size_t i : selected) {
    const std::string& key = group_key(study.runs[i]);
    if (!members.count(key)) groups.push_back(key);
    members[key].push_back(i);
  }
  std::vector<std::size_t> order;
  for (const auto& key : groups) order.insert(order.end(), members[key].begin(), members[key].end());
  return order;
}

// Executes the unfinished runs of `mode.shard` into `dir`, in work_order. Throws Error naming the first failing run.
StudyOutcome execute_runs(const Study& study, const fs::path& dir, const ExperimentExecutor& execute,
                          const RunnerOptions& options, const LoopMode& mode) {
  StudyOutcome outcome;
  outcome.dir = dir;
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < study.runs.size(); ++i)
    if (mode.shard.contains(i)) selected.push_back(i);
  outcome.total = selected.size();
  std::size_t pending = 0;
  for (const std::size_t i : selected) pending += run_finished(dir, study.runs[i].key) ? 0 : 1;
  spdlog::log(mode.claim ? spdlog::level::debug : spdlog::level::info,  // workers: the parent says it once
              "study '{}': {} runs, {} to run, {} already finished; run directory {}", study.name, outcome.total,
              pending, outcome.total - pending, dir.string());

  double executed_seconds = 0.0;
  std::map<std::size_t, std::size_t> position;  // run index -> 1-based place in the selection, for log lines
  for (const std::size_t i : selected) position.emplace(i, position.size() + 1);
  std::set<std::string> claimed;  // pretraining groups this worker owns
  for (const std::size_t i : work_order(study, selected, mode.claim)) {
    const StudyRun& run = study.runs[i];
    const std::string where = "run " + std::to_string(position[i]) + "/" + std::to_string(outcome.total);
    if (run_finished(dir, run.key)) {
      ++outcome.skipped;
      spdlog::log(mode.claim ? spdlog::level::debug : spdlog::level::info, "{} {}{}: finished earlier, skipped", where,
                  run.key, describe(run));
      continue;
    }
    // A worker claims a whole pretraining group, so the group pretrains once and its other runs reuse the state.
    const std::string group = "pretrain-" + group_key(run);
    if (mode.claim && !claimed.count(group)) {
      if (!detail::try_claim(dir, group)) continue;  // another worker has it
      claimed.insert(group);
    }
    const std::size_t left = pending - outcome.executed;
    StudyProgress progress{outcome.skipped + outcome.executed, outcome.total, run.key + describe(run), "", 0, 0, -1.0};
    if (outcome.executed)
      progress.eta_seconds = executed_seconds / static_cast<double>(outcome.executed) * static_cast<double>(left);
    const std::string eta = progress.eta_seconds >= 0 ? " ETA " + duration_text(progress.eta_seconds) : "";
    spdlog::info("{} {}{}{}", where, run.key, describe(run), eta);
    if (options.progress) options.progress(progress);
    const auto start = Clock::now();
    const ProgressFn on_stage = [&](const std::string& stage, int64_t done, int64_t total) {
      spdlog::debug("{} {}: {} {}/{}", where, run.key, stage, done, total);
      if (!options.progress) return;
      progress.stage = stage;
      progress.stage_done = done;
      progress.stage_total = total;
      options.progress(progress);
    };
    try {
      store_run_files(dir, run_files(run.key, execute(run.config, on_stage)));
    } catch (const std::exception& e) {
      throw Error(where + " " + run.key + describe(run) + " failed: " + e.what());
    }
    ++outcome.executed;
    executed_seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (options.progress) options.progress({outcome.skipped + outcome.executed, outcome.total, "", "", 0, 0, 0.0});
  return outcome;
}

fs::path study_dir(const Study& study, const RunnerOptions& options) {
  return options.shard.whole() ? study.run_dir() : shard_dir(study.run_dir(), options.shard);
}

}  // namespace

StudyOutcome begin_study(const Study& study, const RunnerOptions& options) {
  StudyOutcome outcome;
  outcome.dir = study_dir(study, options);
  outcome.started = detail::utc_timestamp();
  for (std::size_t i = 0; i < study.runs.size(); ++i) outcome.total += options.shard.contains(i) ? 1 : 0;
  outcome.skipped = count_finished(study, outcome.dir, options.shard);
  fs::create_directories(outcome.dir / "runs");
  detail::clear_claims(outcome.dir);  // claims of workers that died in an earlier invocation
  detail::write_study_files(study, outcome.dir);
  detail::write_manifest(study, options, {"running", outcome.started, "", outcome}, outcome.dir);
  return outcome;
}

void end_study(const Study& study, const RunnerOptions& options, const StudyOutcome& outcome) {
  detail::clear_claims(outcome.dir);
  write_study_results(study, outcome.dir);
  const std::size_t finished = count_finished(study, outcome.dir, options.shard);
  const std::string status = finished == outcome.total ? "complete" : "failed";
  detail::write_manifest(study, options, {status, outcome.started, detail::utc_timestamp(), outcome}, outcome.dir);
}

StudyOutcome run_study(const Study& study, const ExperimentExecutor& execute, const RunnerOptions& options) {
  StudyOutcome outcome = begin_study(study, options);
  try {
    const StudyOutcome loop = execute_runs(study, outcome.dir, execute, options, {options.shard, false});
    outcome.executed = loop.executed;
  } catch (const Error& e) {
    const std::size_t finished = count_finished(study, outcome.dir, options.shard);
    outcome.executed = finished - outcome.skipped;
    end_study(study, options, outcome);
    throw Error(std::string(e.what()) + "\n" + std::to_string(finished) + " finished runs are kept in " +
                outcome.dir.string() + "; run the study again to resume");
  }
  end_study(study, options, outcome);
  spdlog::info("study '{}' complete: {} runs ({} skipped, {} executed); results in {}", study.name, outcome.total,
               outcome.skipped, outcome.executed, (outcome.dir / "results.csv").string());
  return outcome;
}

StudyOutcome run_study_worker(const Study& study, const ExperimentExecutor& execute, const RunnerOptions& options) {
  return execute_runs(study, study_dir(study, options), execute, options, {options.shard, true});
}

}  // namespace latpred
