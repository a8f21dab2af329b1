#include "meta_sgd.hpp"

#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "latpred/error.hpp"

namespace latpred::help {

at::Tensor normalize_targets(const std::vector<float>& values) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const float min = values.empty() ? 0.0f : *lo, range = values.empty() ? 0.0f : *hi - *lo;
  std::vector<float> out;
  out.reserve(values.size());
  for (float v : values) out.push_back(range > 0.0f ? 0.05f + 0.9f * (v - min) / range : 0.5f);
  return at::tensor(out, at::kFloat);
}

namespace {

at::Tensor as_tensor(const std::vector<int64_t>& values) { return at::tensor(values, at::kLong); }

at::Tensor device_tensor(int64_t device, std::size_t n) {
  return at::full({static_cast<int64_t>(n)}, device, at::kLong);
}

}  // namespace

std::pair<at::Tensor, at::Tensor> MetaSgdStrategy::sample_z(Predictor& predictor, int64_t device,
                                                            std::mt19937_64& rng) {
  if (!network_.z_on()) return {};
  const at::Tensor vec = predictor.devicerep().forward(device_tensor(device, 1));
  const ZPosterior q = network_.posterior(vec);
  std::normal_distribution<float> normal;
  std::vector<float> eps(static_cast<std::size_t>(network_.z_dim()));
  for (float& e : eps) e = normal(rng);
  const at::Tensor z = q.mean + at::exp(0.5 * q.logvar) * at::tensor(eps, at::kFloat).view({1, -1});
  const at::Tensor kl = 0.5 * (q.mean.pow(2) + q.logvar.exp() - q.logvar - 1.0).mean();
  return {z, kl};
}

std::vector<at::Tensor> MetaSgdStrategy::inner_loop(Predictor& predictor, const std::vector<int64_t>& archs,
                                                    int64_t device, const at::Tensor& targets, const at::Tensor& z,
                                                    bool create_graph) {
  std::vector<at::Tensor> fast = network_.fast_parameters();
  const ModelInput input = predictor.input(as_tensor(archs), device_tensor(device, archs.size()));
  const std::vector<at::Tensor>& lrs = network_.inner_lrs();
  for (int64_t step = 0; step < options_.inner_steps; ++step) {
    const at::Tensor loss = (network_.forward_with(fast, input, z) - targets).pow(2).mean();
    // Without create_graph the step's graph is freed, so keep it when a later step or the outer loss needs it.
    const std::vector<at::Tensor> grads =
        torch::autograd::grad({loss}, fast, {}, /*retain_graph=*/create_graph, create_graph);
    for (std::size_t i = 0; i < fast.size(); ++i) fast[i] = fast[i] - lrs[i] * grads[i];
  }
  return fast;
}

double MetaSgdStrategy::pretrain(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                                 std::mt19937_64& rng, const EpochFn& after_epoch) {
  (void)options;  // [train] only chose the source archs; the meta-learning settings are the model's
  adapted_.clear();
  adapted_device_ = -1;
  // Tasks: the examples of each train device, targets normalised over that device's source archs.
  std::map<int64_t, std::vector<std::size_t>> by_device;
  for (std::size_t i = 0; i < examples.size(); ++i) by_device[examples[i].device].push_back(i);
  struct Task {
    int64_t device;
    std::vector<int64_t> archs;
    std::vector<float> targets;  // normalised to [0.05, 0.95]
  };
  std::vector<Task> tasks;
  for (const auto& [device, rows] : by_device) {
    Task t{device, {}, {}};
    std::vector<float> raw;
    for (std::size_t i : rows) {
      t.archs.push_back(examples[i].arch);
      raw.push_back(examples[i].target);
    }
    const at::Tensor norm = normalize_targets(raw).contiguous();
    t.targets.assign(norm.data_ptr<float>(), norm.data_ptr<float>() + norm.numel());
    if (static_cast<int64_t>(t.archs.size()) <= options_.support) {
      throw ConfigError({}, "train.source_samples",
                        "help meta-training needs more source archs per device than model.support (" +
                            std::to_string(options_.support) + "); device " + std::to_string(device) + " has " +
                            std::to_string(t.archs.size()));
    }
    tasks.push_back(std::move(t));
  }
  torch::optim::Adam optimizer(predictor.parameters(), torch::optim::AdamOptions(options_.meta_lr));
  predictor.train();
  double last = 0.0;
  for (int64_t episode = 0; episode < options_.episodes; ++episode) {
    at::Tensor total;
    for (Task& task : tasks) {
      // Support and query: disjoint random archs of this device's source set.
      std::vector<std::size_t> order(task.archs.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::shuffle(order.begin(), order.end(), rng);
      const std::size_t s = static_cast<std::size_t>(options_.support);
      const std::size_t q = std::min(order.size() - s, static_cast<std::size_t>(options_.query));
      std::vector<int64_t> support, query;
      std::vector<float> support_y, query_y;
      for (std::size_t i = 0; i < s + q; ++i) {
        (i < s ? support : query).push_back(task.archs[order[i]]);
        (i < s ? support_y : query_y).push_back(task.targets[order[i]]);
      }
      const auto [z, kl] = sample_z(predictor, task.device, rng);
      const std::vector<at::Tensor> fast =
          inner_loop(predictor, support, task.device, at::tensor(support_y), z, options_.second_order);
      const ModelInput query_in = predictor.input(as_tensor(query), device_tensor(task.device, query.size()));
      at::Tensor loss = (network_.forward_with(fast, query_in, z) - at::tensor(query_y)).pow(2).mean();
      if (kl.defined()) loss = loss + options_.kl_weight * kl;
      total = total.defined() ? total + loss : loss;
    }
    total = total / static_cast<double>(tasks.size());
    optimizer.zero_grad();
    total.backward();
    optimizer.step();
    last = total.item<double>();
    if (after_epoch) after_epoch(episode, options_.episodes);
  }
  return last;
}

void MetaSgdStrategy::adapt(Predictor& predictor, const std::vector<Example>& examples, const Params& options,
                            std::mt19937_64& rng, const EpochFn& after_epoch) {
  (void)options;      // the inner steps and learning rates are meta-learned, not [transfer]'s
  (void)after_epoch;  // one state to score, after adaptation
  adapted_.clear();
  adapted_device_ = -1;
  if (examples.empty()) return;
  const int64_t device = examples.front().device;
  std::vector<int64_t> archs;
  std::vector<float> raw;
  for (const Example& ex : examples) {
    if (ex.device != device) throw Error("help: adapt() got examples of more than one device");
    archs.push_back(ex.arch);
    raw.push_back(ex.target);
  }
  const at::Tensor targets = normalize_targets(raw);
  predictor.eval();
  for (int64_t r = 0; r < options_.mc; ++r) {
    at::Tensor z;
    {
      at::NoGradGuard no_grad;
      z = sample_z(predictor, device, rng).first;
    }
    std::vector<at::Tensor> fast = inner_loop(predictor, archs, device, targets, z, false);
    for (auto& w : fast) w = w.detach();
    adapted_.push_back({std::move(fast), z});
  }
  adapted_device_ = static_cast<int>(device);
}

std::vector<float> MetaSgdStrategy::predict(Predictor& predictor, const std::vector<int64_t>& archs, int device) {
  if (device != adapted_device_ || adapted_.empty()) return predictor.predict(archs, device);
  predictor.eval();
  at::NoGradGuard no_grad;
  std::vector<float> out;
  out.reserve(archs.size());
  const auto n = static_cast<int64_t>(archs.size());
  constexpr int64_t chunk = 1024;
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t len = std::min(chunk, n - start);
    const at::Tensor a = at::from_blob(const_cast<int64_t*>(archs.data()) + start, {len}, at::kLong);
    const ModelInput input = predictor.input(a, at::full({len}, device, at::kLong));
    at::Tensor sum = at::zeros({len});
    for (const Adapted& m : adapted_) sum += network_.forward_with(m.fast, input, m.z);
    sum = (sum / static_cast<double>(adapted_.size())).contiguous();
    out.insert(out.end(), sum.data_ptr<float>(), sum.data_ptr<float>() + len);
  }
  return out;
}

}  // namespace latpred::help
