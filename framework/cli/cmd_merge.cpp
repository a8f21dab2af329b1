// latpred merge: combines the shard run directories of a study (latpred run --shard i/N, e.g. a SLURM job array)
// into the study's run directory and writes its results.
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/runner.hpp"

namespace latpred::cli {

void add_merge_command(CLI::App& app, CliContext& ctx) {
  auto* command = app.add_subcommand(
      "merge", "Merge the shard directories of a study (latpred run --shard i/N) into its run directory");
  auto args = std::make_shared<StudyArgs>();
  auto from = std::make_shared<std::vector<std::string>>();
  add_study_options(*command, *args);
  command->add_option("--from", *from,
                      "shard run directories to merge (repeatable; default: every <run dir>/shards/*/)");
  command->callback([&ctx, args, from] {
    ctx.action = [&ctx, args, from] {
      const auto host = load_plugins(ctx.global);
      const Study study = load_study_with(*args, *host);
      RunnerOptions options;
      options.plugins = host->plugins();
      options.command_line = ctx.global.command_line;
      const MergeOutcome merged = merge_shards(study, {from->begin(), from->end()}, options);
      spdlog::info("merged {} shard(s) into {}: {} runs copied, {}/{} runs finished; results in {}",
                   merged.shards.size(), merged.dir.string(), merged.copied, merged.finished, merged.total,
                   (merged.dir / "results.csv").string());
      if (merged.finished < merged.total)
        spdlog::warn(
            "{} runs are missing (a shard not run or not finished): `latpred run` on the same study runs "
            "just those",
            merged.total - merged.finished);
      return 0;
    };
  });
}

}  // namespace latpred::cli
