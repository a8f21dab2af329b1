// The study runner: executes the runs of a resolved Study into its run directory, <output>/<study name>/:
//   study.toml, includes/   the study file verbatim and the files it includes
//   resolved.toml           every run's config, every default filled in
//   manifest.json           git revision, versions, plugins (with sha256), CPU, threads, start/end, command line
//   runs/<run_key>.csv      the rows of one finished run, written atomically: its presence means "done"
//   predictions/<key>.csv   per-architecture predictions, when the experiment returns them
//   results.csv             long form: run_key, task, device, k, seed, <swept keys>, metric, value
//   summary.csv             mean, population std and n over seeds, grouped by everything else
// Beside the study directories, <output>/pretrained/<key>.state holds pretrained states (latpred run): runs of any
// study under the same output that differ only in how they transfer pretrain once (experiment.hpp). Delete it to
// pretrain afresh, e.g. after changing a model plugin.
// Finished runs are skipped on re-run (resume); results.csv and summary.csv are regenerated from runs/.
// Scale-out modes share this layout: --jobs workers claim pretraining groups (the runs sharing a pretrain_key) in
// claims/ and write runs/ of the same directory;
// a shard i/N writes a complete run directory of its own under shards/<i>-of-<N>/ that merge_shards combines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "latpred/experiment.hpp"
#include "latpred/export.hpp"
#include "latpred/plugin_loader.hpp"
#include "latpred/study.hpp"

namespace latpred {

// Runs one experiment. The CLI passes one that calls run_experiment; tests pass fakes.
using ExperimentExecutor = std::function<ExperimentResult(const ExperimentConfig&, const ProgressFn&)>;

// Which runs of a study one process executes: the runs i (plan order, 0-based) with i % count == index. Strided,
// so every shard gets a mix of the sweep, and stable, so re-running a shard repeats nothing it finished.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool contains(std::size_t run_index) const { return run_index % count == index; }
  bool whole() const { return count == 1; }
};
// "i/N" with 0 <= i < N; ConfigError naming `key` otherwise.
LATPRED_API Shard parse_shard(const std::string& text, const std::string& key = "--shard");
// The shard of a SLURM job array task (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT), if
// those variables are set.
LATPRED_API std::optional<Shard> slurm_array_shard();
// <run_dir>/shards/<i>-of-<N>.
LATPRED_API std::filesystem::path shard_dir(const std::filesystem::path& run_dir, const Shard& shard);

// What a runner reports while it works: the CLI draws a bar on a terminal and writes periodic lines otherwise.
struct StudyProgress {
  std::size_t finished = 0;  // runs finished, including those of earlier invocations and other workers
  std::size_t total = 0;
  std::string run;    // the current run: key and swept values ("" between runs)
  std::string stage;  // e.g. "pretrain", "transfer"
  int64_t stage_done = 0;
  int64_t stage_total = 0;
  double eta_seconds = -1.0;  // < 0: unknown yet
};
using StudyProgressFn = std::function<void(const StudyProgress&)>;
// "h:mm:ss", as progress lines print durations.
LATPRED_API std::string duration_text(double seconds);

struct RunnerOptions {
  std::vector<LoadedPlugin> plugins;  // recorded in the manifest
  std::string command_line;           // recorded in the manifest
  Shard shard;                        // not whole: run only this shard, into shard_dir(run_dir, shard)
  StudyProgressFn progress;           // optional
};

struct StudyOutcome {
  std::filesystem::path dir;
  std::size_t total = 0;
  std::size_t skipped = 0;   // finished in an earlier invocation
  std::size_t executed = 0;  // run now
  std::string started;       // UTC timestamp, for the manifest
};

// Runs every unfinished run in plan order. On the first failing run it writes the results of the finished runs
// and throws Error naming the run; running again resumes after the last finished run.
LATPRED_API StudyOutcome run_study(const Study& study, const ExperimentExecutor& execute,
                                   const RunnerOptions& options = {});

// One worker of `latpred run --jobs N` on a run directory that begin_study prepared: takes every unfinished run
// that no other worker has claimed (claims/<key>, created exclusively) and writes only runs/ and predictions/. On a
// failing run it throws Error naming the run; the others are left to the other workers.
LATPRED_API StudyOutcome run_study_worker(const Study& study, const ExperimentExecutor& execute,
                                          const RunnerOptions& options = {});

// The bracket around workers that run elsewhere (worker processes, MPI ranks): begin_study writes the study files
// and a "running" manifest, clears stale claims and counts the finished runs; end_study regenerates the results and
// writes the final manifest ("complete" when every run is finished, else "failed").
LATPRED_API StudyOutcome begin_study(const Study& study, const RunnerOptions& options = {});
LATPRED_API void end_study(const Study& study, const RunnerOptions& options, const StudyOutcome& outcome);

// The files of one finished run as text, to ship between processes (MPI ranks) and store where the study lives.
struct RunFiles {
  std::string key;
  std::string rows_csv;
  std::string predictions_csv;  // "" when the run returned no predictions
  std::string transfer_csv;     // device,k,rank,arch: the transfer samples; "" when the run had none
};
LATPRED_API RunFiles run_files(const std::string& key, const ExperimentResult& result);
// Writes predictions and transfer samples first and the run file last (the run file is the "finished" marker).
LATPRED_API void store_run_files(const std::filesystem::path& dir, const RunFiles& files);
LATPRED_API bool run_finished(const std::filesystem::path& dir, const std::string& key);
// How many runs of `shard` have their run file in `dir`.
LATPRED_API std::size_t count_finished(const Study& study, const std::filesystem::path& dir, const Shard& shard);

// Copies the finished runs of shard directories (each a complete run directory of the same study; by default
// every directory under <run_dir>/shards/) into the study's run directory and regenerates its results. A run
// already in the study's directory (or in an earlier shard) is kept, never duplicated; a shard of another
// configuration (its resolved.toml differs) is an Error naming it. Missing runs are left for `latpred run`.
struct MergeOutcome {
  std::filesystem::path dir;
  std::size_t total = 0;
  std::size_t finished = 0;  // after merging
  std::size_t copied = 0;    // run files copied now
  std::vector<std::filesystem::path> shards;
};
LATPRED_API MergeOutcome merge_shards(const Study& study, const std::vector<std::filesystem::path>& shard_dirs = {},
                                      const RunnerOptions& options = {});

// Regenerates results.csv and summary.csv of `dir` from runs/<key>.csv of the study's runs; returns how many
// runs were found finished.
LATPRED_API std::size_t write_study_results(const Study& study, const std::filesystem::path& dir);

// Writes `content` to `file` via file.tmp + rename, so a reader never sees a half-written file.
LATPRED_API void write_file_atomic(const std::filesystem::path& file, const std::string& content);

}  // namespace latpred
