// Shards of a study (--shard i/N, SLURM job arrays) and merging their run directories back into the study's.
#include <algorithm>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

std::optional<std::size_t> parse_count(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) return {};
  return static_cast<std::size_t>(std::stoul(text));
}

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

std::vector<fs::path> default_shard_dirs(const fs::path& run_dir) {
  std::vector<fs::path> dirs;
  if (!fs::is_directory(run_dir / "shards")) return dirs;
  for (const auto& entry : fs::directory_iterator(run_dir / "shards")) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace

Shard parse_shard(const std::string& text, const std::string& key) {
  const auto slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : parse_count(text.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : parse_count(text.substr(slash + 1));
  if (!index || !count || *count == 0 || *index >= *count) {
    throw ConfigError({key}, "", "expected a shard 'i/N' with 0 <= i < N (e.g. 0/4), got '" + text + "'");
  }
  return {*index, *count};
}

std::optional<Shard> slurm_array_shard() {
  const char* id = env("SLURM_ARRAY_TASK_ID");
  const char* count = env("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  const char* min = env("SLURM_ARRAY_TASK_MIN");
  const auto first = parse_count(min ? min : "0");
  const auto task = parse_count(id);
  if (!first || !task || *task < *first) {
    throw ConfigError(
        {"SLURM_ARRAY_TASK_ID"}, "",
        std::string("expected a task id >= SLURM_ARRAY_TASK_MIN (") + (min ? min : "0") + "), got '" + id + "'");
  }
  return parse_shard(std::to_string(*task - *first) + "/" + count, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
}

fs::path shard_dir(const fs::path& run_dir, const Shard& shard) {
  return run_dir / "shards" / (std::to_string(shard.index) + "-of-" + std::to_string(shard.count));
}

MergeOutcome merge_shards(const Study& study, const std::vector<fs::path>& shard_dirs, const RunnerOptions& options) {
  MergeOutcome outcome;
  outcome.dir = study.run_dir();
  outcome.total = study.runs.size();
  outcome.shards = shard_dirs.empty() ? default_shard_dirs(outcome.dir) : shard_dirs;
  if (outcome.shards.empty()) {
    throw Error("no shard directories to merge: expected " + (outcome.dir / "shards").string() +
                "/<i>-of-<N>/ (written by latpred run --shard i/N) or directories given explicitly");
  }
  const std::string resolved = resolved_study_toml(study);
  for (const auto& shard : outcome.shards) {
    const fs::path shard_resolved = shard / "resolved.toml";
    if (!fs::exists(shard_resolved)) {
      throw Error("not a shard run directory: " + shard.string() + " has no resolved.toml");
    }
    if (detail::read_all(shard_resolved) != resolved) {
      throw Error("shard " + shard.string() + " was run with another configuration than study '" + study.name +
                  "' (its resolved.toml differs from this study's); merge only shards of the same study and --set");
    }
  }
  fs::create_directories(outcome.dir / "runs");
  detail::write_study_files(study, outcome.dir);
  for (const auto& run : study.runs) {
    for (const auto& shard : outcome.shards) {
      if (!run_finished(shard, run.key)) continue;
      if (run_finished(outcome.dir, run.key)) {
        spdlog::debug("run {} of shard {}: already in {}, kept", run.key, shard.string(), outcome.dir.string());
        continue;
      }
      // A run's optional files (predictions/, transfer/) are copied when the shard has them.
      auto optional_file = [&](const char* folder) {
        const fs::path file = shard / folder / (run.key + ".csv");
        return fs::exists(file) ? detail::read_all(file) : std::string();
      };
      const RunFiles files{run.key, detail::read_all(detail::run_file(shard, run.key)), optional_file("predictions"),
                           optional_file("transfer")};
      store_run_files(outcome.dir, files);
      ++outcome.copied;
    }
  }
  const std::string now = detail::utc_timestamp();
  StudyOutcome study_outcome{outcome.dir, outcome.total, 0, outcome.copied, now};
  outcome.finished = write_study_results(study, outcome.dir);
  study_outcome.skipped = outcome.finished - outcome.copied;
  const std::string status = outcome.finished == outcome.total ? "complete" : "incomplete";
  detail::write_manifest(study, options, {status, now, now, study_outcome}, outcome.dir);
  return outcome;
}

}  // namespace latpred
