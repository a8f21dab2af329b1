// Zero-cost proxies: the synthetic batch, the dispatch by name, and the resumable per-architecture table.
#include "latpred/zcp.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <set>

#include "latpred/error.hpp"
#include "network_layers.hpp"
#include "result_table.hpp"
#include "zcp_internal.hpp"

namespace latpred {
namespace detail {

std::shared_ptr<Network> ZcpContext::fresh_network(bool batch_norm) const {
  at::manual_seed(options->seed);
  NetworkOptions net_options;
  net_options.num_classes = options->num_classes;
  net_options.batch_norm = batch_norm;
  auto network = build_network(space, ops, net_options);
  network->train();
  return network;
}

std::vector<at::Tensor> prunable_weights(Network& network) {
  std::vector<at::Tensor> weights;
  for (const auto& module : network.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) weights.push_back(conv->weight);
    if (auto* linear = module->as<torch::nn::LinearImpl>()) weights.push_back(linear->weight);
  }
  return weights;
}

at::Tensor batch_loss(Network& network, const ZcpBatch& batch) {
  return at::cross_entropy_loss(network.forward(batch.inputs), batch.targets);
}

}  // namespace detail

namespace {

using Proxy = std::function<double(const detail::ZcpContext&)>;

// The proxies computed on their own network (the others share one forward: detail::zcp_batch_proxies).
const std::map<std::string, Proxy>& proxies() {
  static const std::map<std::string, Proxy> kProxies = {
      {"flops",
       [](const detail::ZcpContext& c) {
         return static_cast<double>(count_cost(*c.fresh_network(), c.options->input_size).naslib_flops) / 1e6;
       }},
      {"l2_norm", detail::zcp_l2_norm},
      {"params",
       [](const detail::ZcpContext& c) { return static_cast<double>(count_parameters(*c.fresh_network())) / 1e6; }},
      {"synflow", detail::zcp_synflow},
      {"zen", detail::zcp_zen},
  };
  return kProxies;
}

std::vector<std::string> selected(const ZcpOptions& options) {
  if (options.proxies.empty()) return zcp_names();
  for (const auto& name : options.proxies) {
    if (std::find(zcp_names().begin(), zcp_names().end(), name) == zcp_names().end()) {
      throw ConfigError({}, "proxies",
                        "unknown zero-cost proxy '" + name + "'. " + did_you_mean(name, zcp_names()) +
                            "Known proxies: " + join(zcp_names()) + ".");
    }
  }
  return options.proxies;
}

void check_options(const ZcpOptions& o) {
  if (o.batch_size < 2) throw ConfigError({}, "batch", "the synthetic batch needs >= 2 images (jacov correlates them)");
  if (o.num_classes < 1) throw ConfigError({}, "classes", "must be >= 1");
  if (o.input_size < 8) throw ConfigError({}, "input_size", "must be >= 8");
}

std::string ops_string(const std::vector<int>& ops) {
  std::string out;
  for (std::size_t i = 0; i < ops.size(); ++i) out += (i ? "-" : "") + std::to_string(ops[i]);
  return out;
}

}  // namespace

const std::vector<std::string>& zcp_names() {
  static const std::vector<std::string> kNames = {"epe_nas", "fisher",  "flops", "grad_norm", "grasp",
                                                  "jacov",   "l2_norm", "nwot",  "params",    "plain",
                                                  "snip",    "synflow", "zen"};
  return kNames;
}

ZcpBatch make_synthetic_batch(const ZcpOptions& options) {
  check_options(options);
  auto generator = at::detail::createCPUGenerator(options.seed);
  ZcpBatch batch;
  batch.inputs = at::randn({options.batch_size, 3, options.input_size, options.input_size}, generator, at::kFloat);
  batch.targets = at::randint(options.num_classes, {options.batch_size}, generator, at::kLong);
  return batch;
}

std::map<std::string, double> compute_zcp(const std::string& space, const std::vector<int>& ops,
                                          const ZcpOptions& options, const ZcpBatch& batch) {
  check_options(options);
  const auto names = selected(options);
  detail::ZcpContext ctx{space, ops, &options, &batch};
  std::set<std::string> batch_proxies;
  for (const auto& name : names) {
    if (detail::is_batch_proxy(name)) batch_proxies.insert(name);
  }
  std::map<std::string, double> scores;
  if (!batch_proxies.empty()) scores = detail::zcp_batch_proxies(ctx, batch_proxies);
  for (const auto& name : names) {
    if (!detail::is_batch_proxy(name)) scores[name] = proxies().at(name)(ctx);
  }
  return scores;
}

ZcpSummary compute_zcp_table(const Dataset& dataset, const std::vector<int64_t>& indices, const ZcpOptions& options,
                             const std::filesystem::path& output) {
  using Clock = std::chrono::steady_clock;
  check_options(options);
  const auto names = selected(options);
  const std::string space = dataset.space().name();
  std::vector<std::string> header = {space + "_index", "ops"};
  header.insert(header.end(), names.begin(), names.end());
  detail::ResultTable table(output, header);
  const ZcpBatch batch = make_synthetic_batch(options);

  ZcpSummary summary;
  std::vector<int64_t> todo;
  for (int64_t index : indices) {
    if (index < 0 || index >= dataset.num_archs()) {
      throw ConfigError({}, "archs",
                        "index " + std::to_string(index) + " is out of range: the " + space + " dataset has " +
                            std::to_string(dataset.num_archs()) + " architectures");
    }
    if (table.has(index)) {
      ++summary.skipped;
    } else {
      todo.push_back(index);
    }
  }
  if (summary.skipped) spdlog::info("{}: {} architectures already computed, skipped", output.string(), summary.skipped);
  const auto start = Clock::now();
  auto last_log = start;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const auto& ops = dataset.arch_ops(todo[i]);
    const auto scores = compute_zcp(space, ops, options, batch);
    std::vector<std::string> fields = {ops_string(ops)};
    for (const auto& name : names) {
      const double v = scores.at(name);
      fields.push_back(std::isfinite(v) ? fmt::format("{:.10g}", v) : std::string());
    }
    table.append(todo[i], fields);
    ++summary.computed;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (std::chrono::duration<double>(Clock::now() - last_log).count() >= 10.0 || i + 1 == todo.size()) {
      last_log = Clock::now();
      const double per_arch = elapsed / static_cast<double>(i + 1);
      spdlog::info("zcp {}/{} archs ({:.1f}%), {:.3f} s/arch, ETA {:.0f} s", i + 1, todo.size(),
                   100.0 * static_cast<double>(i + 1) / static_cast<double>(todo.size()), per_arch,
                   per_arch * static_cast<double>(todo.size() - i - 1));
    }
  }
  table.finish();
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace latpred
