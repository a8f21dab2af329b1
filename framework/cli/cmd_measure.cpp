// latpred measure | zcp: time real networks on this machine (a new device for the data) and compute zero-cost proxies.
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/arch_selection.hpp"
#include "latpred/dataset.hpp"
#include "latpred/measure.hpp"
#include "latpred/search_space.hpp"
#include "latpred/zcp.hpp"

namespace latpred::cli {
namespace {

// What both subcommands need to find the architectures: the space, the selection and the data with the arch list.
struct ArchArgs {
  std::string space = "nb201";
  std::string archs = "all";
  std::string data_dir;
  std::string output;
};

void add_arch_options(CLI::App& command, ArchArgs& args) {
  command.add_option("--space", args.space, "search space")->check(CLI::IsMember(search_space_names()));
  command
      .add_option("--archs", args.archs,
                  "architectures: all | A-B | I,J,.. | sample:N[:SEED] | FILE (one index or range per line)")
      ->capture_default_str();
  command.add_option("--data-dir", args.data_dir,
                     "data directory whose latency tables give the index -> ops order (default: $LATPRED_DATA, "
                     "../shared/data, built-in data/)");
  command.add_option("--output,-o", args.output, "CSV to write; an existing file is resumed")->required();
}

std::vector<int64_t> selected_archs(const ArchArgs& args, std::shared_ptr<Dataset>& dataset) {
  dataset = load_dataset(resolve_data_dir(args.data_dir), args.space);
  return parse_arch_selection(args.archs, dataset->num_archs());
}

}  // namespace

void add_measure_commands(CLI::App& app, CliContext& ctx) {
  auto* measure = app.add_subcommand(
      "measure", "Measure inference latency of real networks on this CPU; writes a latency CSV read as new devices");
  auto margs = std::make_shared<ArchArgs>();
  auto options = std::make_shared<MeasureOptions>();
  auto batches = std::make_shared<std::vector<int>>(std::vector<int>{1});
  auto threads = std::make_shared<std::vector<int>>(std::vector<int>{1});
  add_arch_options(*measure, *margs);
  measure->add_option("--batch", *batches, "batch sizes (each x each thread count is one device column)")
      ->capture_default_str();
  measure->add_option("--threads", *threads, "intra-op thread counts (>1 is slow and noisy on a 2-core machine)")
      ->capture_default_str();
  measure->add_option("--warmup", options->warmup, "untimed forwards before each series")->capture_default_str();
  measure->add_option("--repeats", options->repeats, "timed forwards per series (median reported)")
      ->capture_default_str();
  measure->add_option("--max-cv", options->max_cv, "re-measure a series whose std/mean exceeds this")
      ->capture_default_str();
  measure->add_option("--max-attempts", options->max_attempts, "series per measurement at most")->capture_default_str();
  measure->add_option("--input-size", options->input_size, "input height = width")->capture_default_str();
  measure->add_option("--classes", options->num_classes, "classifier outputs (10 or 100)")->capture_default_str();
  measure->add_option("--prefix", options->prefix, "device column prefix: <prefix>_b<batch>_t<threads>")
      ->capture_default_str();
  measure->callback([&ctx, margs, options, batches, threads] {
    ctx.action = [margs, options, batches, threads] {
      options->configs = device_configs(*batches, *threads);
      std::shared_ptr<Dataset> dataset;
      const auto indices = selected_archs(*margs, dataset);
      const MeasureSummary s = measure_archs(*dataset, indices, *options, margs->output);
      std::cout << fmt::format("{}: measured {} archs ({} already there), {} noisy measurements, {:.1f} s\n",
                               margs->output, s.measured, s.skipped, s.noisy, s.seconds);
      return 0;
    };
  });

  auto* zcp = app.add_subcommand("zcp", "Compute zero-cost proxies of real networks (fixed-seed synthetic batch)");
  auto zargs = std::make_shared<ArchArgs>();
  auto zoptions = std::make_shared<ZcpOptions>();
  add_arch_options(*zcp, *zargs);
  zcp->add_option("--proxies", zoptions->proxies, "proxies to compute (default: all)")
      ->check(CLI::IsMember(zcp_names()));
  zcp->add_option("--batch", zoptions->batch_size, "synthetic batch size")->capture_default_str();
  zcp->add_option("--classes", zoptions->num_classes, "classifier outputs (10 or 100)")->capture_default_str();
  zcp->add_option("--seed", zoptions->seed, "seed of the synthetic batch and the weights")->capture_default_str();
  zcp->callback([&ctx, zargs, zoptions] {
    ctx.action = [zargs, zoptions] {
      std::shared_ptr<Dataset> dataset;
      const auto indices = selected_archs(*zargs, dataset);
      const ZcpSummary s = compute_zcp_table(*dataset, indices, *zoptions, zargs->output);
      std::cout << fmt::format("{}: computed {} archs ({} already there), {:.1f} s\n", zargs->output, s.computed,
                               s.skipped, s.seconds);
      return 0;
    };
  });
}

}  // namespace latpred::cli
