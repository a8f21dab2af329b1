// latpred run: executes a study into its run directory, resuming after the last finished run; serially, with
// --jobs worker processes, as one shard (--shard, SLURM job arrays), or over MPI ranks under mpirun.
#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/dataset.hpp"
#include "latpred/runner.hpp"
#include "progress_display.hpp"
#include "run_parallel.hpp"

namespace latpred::cli {
namespace {

struct RunArgs {
  StudyArgs study;
  int jobs = 1;
  int threads = 1;
  std::string shard;  // "i/N"; empty = the SLURM job array task if any, else everything
  int worker = -1;    // >= 0: a --jobs worker process (internal)
};

Shard chosen_shard(const RunArgs& args) {
  if (!args.shard.empty()) return parse_shard(args.shard);
  if (const auto slurm = slurm_array_shard()) {
    spdlog::info("SLURM job array: running shard {}/{} (give --shard 0/1 to run every run)", slurm->index,
                 slurm->count);
    return *slurm;
  }
  return {};
}

}  // namespace

void add_run_command(CLI::App& app, CliContext& ctx) {
  auto* command = app.add_subcommand("run", "Run a study: every sweep point x seed; finished runs are skipped");
  auto args = std::make_shared<RunArgs>();
  add_study_options(*command, args->study);
  command->add_option("-j,--jobs", args->jobs, "worker processes running the study's runs in parallel")
      ->check(CLI::PositiveNumber);
  command->add_option("--threads", args->threads, "LibTorch intra-op threads of each process (1 is fastest here)")
      ->check(CLI::PositiveNumber);
  command->add_option("--shard", args->shard,
                      "run only shard i/N (runs i, i+N, ...) into <run dir>/shards/i-of-N/, for `latpred merge`; "
                      "default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set");
  command->add_option("--worker", args->worker, "internal: a --jobs worker process")->group("");
  command->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      at::set_num_threads(args->threads);
      const auto host = load_plugins(ctx.global);
      const Study study = load_study_with(args->study, *host);
      Workspace workspace;
      const ExperimentExecutor execute = [&](const ExperimentConfig& config, const ProgressFn& progress) {
        ExperimentConfig located = config;
        located.data_dir = resolve_data_dir(config.data_dir).string();
        return run_experiment(located, host->registry(), workspace, progress, study.output / "pretrained");
      };
      RunnerOptions options;
      options.plugins = host->plugins();
      options.command_line = ctx.global.command_line;
      options.shard = chosen_shard(*args);
      if (args->worker >= 0) {
        spdlog::set_pattern("%H:%M:%S %^%l%$ [worker " + std::to_string(args->worker) + "] %v");
        run_study_worker(study, execute, options);
        return 0;
      }
      if (mpi_launch_size() > 1) {
        run_with_mpi(study, execute, options);
        return 0;
      }
      ProgressDisplay display(ctx.global.quiet);
      options.progress = display.callback();
      if (args->jobs > 1) {
        std::vector<std::string> worker_args = ctx.global.argv;
        if (display.draws_bar()) worker_args.push_back("--quiet");  // their lines would tear the bar
        run_with_jobs(study, options, args->jobs, worker_args);
      } else {
        run_study(study, execute, options);
      }
      return 0;
    };
  });
}

}  // namespace latpred::cli
