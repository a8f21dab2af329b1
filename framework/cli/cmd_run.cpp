// latpred run: executes a study into its run directory, resuming after the last finished run.
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/dataset.hpp"
#include "latpred/runner.hpp"

namespace latpred::cli {

void add_run_command(CLI::App& app, CliContext& ctx) {
  auto* command = app.add_subcommand("run", "Run a study: every sweep point x seed; finished runs are skipped");
  auto args = std::make_shared<StudyArgs>();
  auto jobs = std::make_shared<int>(1);
  add_study_options(*command, *args);
  command->add_option("-j,--jobs", *jobs, "parallel runs (only 1 is supported for now)")->check(CLI::PositiveNumber);
  command->callback([&ctx, args, jobs] {
    ctx.action = [&ctx, args, jobs] {
      if (*jobs != 1) throw ConfigError({"--jobs"}, "", "only --jobs 1 is supported for now");
      const auto host = load_plugins(ctx.global);
      const Study study = load_study_with(*args, *host);
      Workspace workspace;
      const ExperimentExecutor execute = [&](const ExperimentConfig& config, const ProgressFn& progress) {
        ExperimentConfig located = config;
        located.data_dir = resolve_data_dir(config.data_dir).string();
        return run_experiment(located, host->registry(), workspace, progress);
      };
      RunnerOptions options;
      options.plugins = host->plugins();
      options.command_line = ctx.global.command_line;
      run_study(study, execute, options);
      return 0;
    };
  });
}

}  // namespace latpred::cli
