// The study runner: executes the runs of a resolved Study into its run directory, <output>/<study name>/:
//   study.toml, includes/   the study file verbatim and the files it includes
//   resolved.toml           every run's config, every default filled in
//   manifest.json           git revision, versions, plugins (with sha256), CPU, threads, start/end, command line
//   runs/<run_key>.csv      the rows of one finished run, written atomically: its presence means "done"
//   predictions/<key>.csv   per-architecture predictions, when the experiment returns them
//   results.csv             long form: run_key, task, device, k, seed, <swept keys>, metric, value
//   summary.csv             mean, population std and n over seeds, grouped by everything else
// Finished runs are skipped on re-run (resume); results.csv and summary.csv are regenerated from runs/.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "latpred/experiment.hpp"
#include "latpred/export.hpp"
#include "latpred/plugin_loader.hpp"
#include "latpred/study.hpp"

namespace latpred {

// Runs one experiment. The CLI passes one that calls run_experiment; tests pass fakes.
using ExperimentExecutor = std::function<ExperimentResult(const ExperimentConfig&, const ProgressFn&)>;

struct RunnerOptions {
  std::vector<LoadedPlugin> plugins;  // recorded in the manifest
  std::string command_line;           // recorded in the manifest
};

struct StudyOutcome {
  std::filesystem::path dir;
  std::size_t total = 0;
  std::size_t skipped = 0;   // finished in an earlier invocation
  std::size_t executed = 0;  // run now
};

// Runs every unfinished run in plan order. On the first failing run it writes the results of the finished runs
// and throws Error naming the run; running again resumes after the last finished run.
LATPRED_API StudyOutcome run_study(const Study& study, const ExperimentExecutor& execute,
                                   const RunnerOptions& options = {});

// Regenerates results.csv and summary.csv of `dir` from runs/<key>.csv of the study's runs; returns how many
// runs were found finished.
LATPRED_API std::size_t write_study_results(const Study& study, const std::filesystem::path& dir);

// Writes `content` to `file` via file.tmp + rename, so a reader never sees a half-written file.
LATPRED_API void write_file_atomic(const std::filesystem::path& file, const std::string& content);

}  // namespace latpred
