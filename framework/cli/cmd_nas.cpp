// latpred nas: latency-constrained NAS driven by a transferred predictor (NASFLAT_METHOD §6). Transfers once (the
// study's first run, its largest k), searches every (test device, constraint) on the predicted latencies, scores the
// choice with the true latency and accuracy, and measures how many on-device measurements a measurement-driven
// evolution needs to do as well.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/accuracy.hpp"
#include "latpred/dataset.hpp"
#include "latpred/nas.hpp"
#include "nas_report.hpp"

namespace latpred::cli {
namespace {

struct NasArgs {
  StudyArgs study;
  std::vector<double> constraints;
  std::string constraint_unit, strategy, metric, split;
  std::vector<std::string> devices;
};

// Command-line values replace the study's [nas] values.
Params merged_settings(const Study& study, const NasArgs& args) {
  Params nas = study.nas;
  if (!args.constraints.empty()) nas.set("constraints", args.constraints);
  if (!args.constraint_unit.empty()) nas.set("constraint_unit", args.constraint_unit);
  if (!args.strategy.empty()) nas.set("strategy", args.strategy);
  if (!args.metric.empty()) nas.set("metric", args.metric);
  if (!args.split.empty()) nas.set("split", args.split);
  if (!args.devices.empty()) nas.set("devices", args.devices);
  const auto constraints = nas.get_floats("constraints");
  if (constraints.empty())
    throw ConfigError({study.file.string()}, "nas.constraints",
                      "no latency constraints: set [nas] constraints = [...] or pass --constraint 2.5,5,10");
  if (nas.get_string("constraint_unit") == "quantile")
    for (double q : constraints)
      if (q <= 0.0 || q > 1.0)
        throw ConfigError({study.file.string()}, "nas.constraints",
                          "constraint_unit = \"quantile\" needs values in (0, 1], got " + std::to_string(q));
  return nas;
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

double metric_value(const ExperimentResult& result, const std::string& device, int64_t k, const std::string& metric) {
  for (const auto& row : result.rows)
    if (row.device == device && row.k == k && row.metric == metric) return row.value;
  return std::nan("");
}

NasArch describe(const Dataset& data, const NasProblem& predicted, const NasProblem& truth,
                 const std::vector<int64_t>& archs, int64_t candidate) {
  NasArch a;
  if (candidate < 0) return a;
  a.arch = archs[candidate];
  a.arch_str = data.space().arch_string(data.arch_ops(a.arch));
  a.predicted_ms = predicted.latency_ms[candidate];
  a.true_ms = truth.latency_ms[candidate];
  a.accuracy = truth.accuracy[candidate];
  return a;
}

// Measurements a measurement-driven evolution (true latencies) needs to find a truly feasible arch at least as
// accurate as `target`: one count per repeat, -1 when the budget ran out first.
std::vector<int64_t> measured_search_costs(const NasProblem& truth, double target, const Params& nas) {
  std::vector<int64_t> out;
  NasOptions options = nas_options(nas, 0);
  options.strategy = "evolution";
  options.cycles = nas.get_int("speedup_budget");
  for (int64_t rep = 0; rep < nas.get_int("speedup_repeats"); ++rep) {
    options.seed = static_cast<uint64_t>(nas.get_int("seed")) * 1000003ULL + static_cast<uint64_t>(rep) + 1;
    const NasResult r = nas_search(truth, options);
    int64_t cost = -1;
    for (const auto& step : r.trace)
      if (truth.accuracy[step.candidate] >= target) {
        cost = step.evaluated;
        break;
      }
    out.push_back(cost);
  }
  return out;
}

int run_nas(const CliContext& ctx, const NasArgs& args) {
  const auto host = load_plugins(ctx.global);
  const Study study = load_study_with(args.study, *host);
  const Params nas = merged_settings(study, args);
  if (study.runs.size() > 1)
    spdlog::warn("the study has {} runs (sweep points x seeds); NAS uses the first one (seed {})", study.runs.size(),
                 study.runs.front().config.seed);
  ExperimentConfig config = study.runs.front().config;
  config.data_dir = resolve_data_dir(config.data_dir).string();
  const auto ks = config.transfer.get_ints("k");
  const int64_t k = *std::max_element(ks.begin(), ks.end());
  config.transfer.set("k", std::vector<int64_t>{k});
  config.transfer.set("eval_set", std::string("all"));  // the search needs every arch's prediction
  config.transfer.set("save_predictions", true);
  if (config.task.space != "nb201")
    throw ConfigError(
        {study.file.string()}, "task.space",
        "latpred nas needs accuracies, which exist for nb201 only (task space '" + config.task.space + "')");
  const auto devices = nas.get_strings("devices");
  for (const auto& d : devices)
    if (std::find(config.task.test.begin(), config.task.test.end(), d) == config.task.test.end())
      throw ConfigError({study.file.string()}, "nas.devices",
                        "'" + d + "' is not a test device of task " + config.task.name + ". " +
                            did_you_mean(d, config.task.test) + "Test devices: " + join(config.task.test));
  if (!devices.empty()) config.task.test = devices;  // transfer only to the devices searched

  Workspace workspace;
  const auto data = workspace.dataset(config.data_dir, config.task.space);
  const std::string metric = nas.get_string("metric");
  // Loaded before the transfer so a data problem shows up before minutes of training.
  const AccuracyTable accuracy = load_nb201_accuracy(config.data_dir, *data, metric, nas.get_string("split"));
  spdlog::info("nas: transfer {} -> {} with k={} (seed {})", join(config.task.train), join(config.task.test), k,
               config.seed);
  const ExperimentResult result = run_experiment(config, host->registry(), workspace);

  const std::filesystem::path dir = study.run_dir();
  std::filesystem::create_directories(dir);
  const NasOptions options = nas_options(nas, static_cast<uint64_t>(nas.get_int("seed")));
  const bool by_quantile = nas.get_string("constraint_unit") == "quantile";
  std::vector<NasRow> rows;
  std::vector<SpeedupRow> speedups;
  std::vector<ParetoPoint> pareto;
  for (const Prediction& pred : result.predictions) {
    NasProblem predicted;
    predicted.num_op_values = data->space().num_op_values();
    for (std::size_t i = 0; i < pred.archs.size(); ++i) {
      predicted.ops.push_back(data->arch_ops(pred.archs[i]));
      predicted.latency_ms.push_back(pred.predicted_ms[i]);
      predicted.accuracy.push_back(accuracy.accuracy[static_cast<std::size_t>(pred.archs[i])]);
    }
    NasProblem truth = predicted;
    truth.latency_ms.assign(pred.true_ms.begin(), pred.true_ms.end());
    const double mean_ms = std::accumulate(truth.latency_ms.begin(), truth.latency_ms.end(), 0.0) /
                           static_cast<double>(truth.latency_ms.size());
    for (int64_t i : pareto_front(truth.latency_ms, truth.accuracy))
      pareto.push_back({pred.device, "true_front", truth.latency_ms[i], truth.accuracy[i], pred.archs[i], ""});
    std::vector<double> found_ms, found_acc;
    std::vector<int64_t> found_arch;
    for (double c : nas.get_floats("constraints")) {
      NasRow row;
      row.device = pred.device;
      row.k = pred.k;
      row.constraint_ms = by_quantile ? quantile(predicted.latency_ms, c) : c;
      if (by_quantile) row.quantile = c;
      row.strategy = options.strategy;
      row.metric = metric;
      predicted.constraint_ms = row.constraint_ms * (1.0 - nas.get_float("margin"));
      truth.constraint_ms = row.constraint_ms;
      const auto start = std::chrono::steady_clock::now();
      const NasResult found = nas_search(predicted, options);
      row.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      row.evaluated = found.evaluated;
      row.transfer_seconds = metric_value(result, pred.device, pred.k, "transfer_seconds");
      row.chosen = describe(*data, predicted, truth, pred.archs, found.chosen);
      row.oracle = describe(*data, predicted, truth, pred.archs, nas_search(truth, NasOptions{}).chosen);
      if (row.chosen.arch < 0)
        spdlog::warn("nas {} constraint {:.4g} ms: no architecture is predicted to meet it", pred.device,
                     row.constraint_ms);
      else {
        spdlog::info("nas {} <= {:.4g} ms: arch {} predicted {:.3f} ms, true {:.3f} ms, {} {:.2f}% (oracle {:.2f}%)",
                     pred.device, row.constraint_ms, row.chosen.arch, row.chosen.predicted_ms, row.chosen.true_ms,
                     metric, row.chosen.accuracy, row.oracle.arch >= 0 ? row.oracle.accuracy : std::nan(""));
        pareto.push_back({pred.device, "found", row.chosen.true_ms, row.chosen.accuracy, row.chosen.arch,
                          "constraint " + std::to_string(row.constraint_ms)});
        found_ms.push_back(row.chosen.true_ms);
        found_acc.push_back(row.chosen.accuracy);
        found_arch.push_back(row.chosen.arch);
      }
      if (nas.get_int("speedup_repeats") > 0 && row.chosen.arch >= 0 && row.oracle.arch >= 0) {
        SpeedupRow s{pred.device,
                     pred.k,
                     row.constraint_ms,
                     row.oracle.accuracy - row.chosen.accuracy,
                     row.chosen.true_ms <= row.constraint_ms,
                     mean_ms,
                     nas.get_int("speedup_budget"),
                     {}};
        if (s.predictor_feasible) s.measurements = measured_search_costs(truth, row.chosen.accuracy, nas);
        speedups.push_back(std::move(s));
      }
      rows.push_back(std::move(row));
    }
    for (int64_t i : pareto_front(found_ms, found_acc))
      pareto.push_back({pred.device, "found_front", found_ms[i], found_acc[i], found_arch[i], ""});
    if (metric == "cifar100")  // the paper's points are CIFAR-100 accuracies (their maximum, 73.5, is NB201's)
      for (auto& p : reference_points(pred.device)) pareto.push_back(std::move(p));
  }
  write_nas_csv(dir / "nas.csv", rows);
  if (!speedups.empty()) write_speedup_csv(dir / "nas_speedup.csv", speedups);
  write_pareto(dir, pareto, metric);
  spdlog::info("nas: wrote {}", (dir / "nas.csv").string());
  return 0;
}

}  // namespace

void add_nas_command(CLI::App& app, CliContext& ctx) {
  auto* command = app.add_subcommand(
      "nas", "Latency-constrained NAS with a transferred predictor: search, score against the truth, speedup");
  auto args = std::make_shared<NasArgs>();
  add_study_options(*command, args->study);
  command->add_option("--constraint", args->constraints, "latency constraints, e.g. 2.5,5,10 (replaces [nas])")
      ->delimiter(',');
  command->add_option("--constraint-unit", args->constraint_unit, "ms | quantile (of the predicted latencies)")
      ->check(CLI::IsMember({"ms", "quantile"}));
  command->add_option("--strategy", args->strategy, "search strategy")->check(CLI::IsMember(nas_strategies()));
  command->add_option("--device", args->devices, "test device(s) to search for (default: all)")->delimiter(',');
  command->add_option("--metric", args->metric, "accuracy to maximise")->check(CLI::IsMember(nb201_accuracy_metrics()));
  command->add_option("--split", args->split, "accuracy split")->check(CLI::IsMember(accuracy_splits()));
  command->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_nas(ctx, *args); }; });
}

}  // namespace latpred::cli
