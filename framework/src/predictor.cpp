#include "predictor.hpp"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <numeric>

namespace latpred {

Predictor::Predictor(std::shared_ptr<Model> model, std::shared_ptr<DeviceRep> devicerep, const ArchFeatures& features)
    : model_(std::move(model)), devicerep_(std::move(devicerep)), features_(features) {
  register_module("model", model_);
  register_module("devicerep", devicerep_);
}

at::Tensor Predictor::forward(const at::Tensor& archs, const at::Tensor& devices) {
  ModelInput input;
  if (features_.adj.defined()) input.adj = features_.adj.index_select(0, archs);
  if (features_.ops.defined()) input.ops = features_.ops.index_select(0, archs);
  if (features_.vec.defined()) input.vec = features_.vec.index_select(0, archs);
  input.device = devicerep_->forward(devices);
  return model_->forward(input);
}

std::vector<float> Predictor::predict(const std::vector<int64_t>& archs, int device, int64_t chunk) {
  const bool was_training = is_training();
  eval();
  at::NoGradGuard no_grad;
  std::vector<float> out;
  out.reserve(archs.size());
  const auto n = static_cast<int64_t>(archs.size());
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t len = std::min(chunk, n - start);
    const at::Tensor a = at::from_blob(const_cast<int64_t*>(archs.data()) + start, {len}, at::kLong);
    const at::Tensor d = at::full({len}, device, at::kLong);
    const at::Tensor s = forward(a, d).contiguous();
    out.insert(out.end(), s.data_ptr<float>(), s.data_ptr<float>() + len);
  }
  train(was_training);
  return out;
}

std::vector<at::Tensor> Predictor::snapshot() {
  std::vector<at::Tensor> state;
  for (const auto& p : parameters()) state.push_back(p.detach().clone());
  for (const auto& b : buffers()) state.push_back(b.detach().clone());
  return state;
}

void Predictor::restore(const std::vector<at::Tensor>& state) {
  at::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : parameters()) p.copy_(state.at(i++));
  for (auto& b : buffers()) b.copy_(state.at(i++));
}

std::vector<std::pair<int64_t, int64_t>> sample_pairs(const std::vector<float>& targets, int64_t max_pairs,
                                                      std::mt19937_64& rng) {
  std::vector<std::pair<int64_t, int64_t>> pairs;
  const auto n = static_cast<int64_t>(targets.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (targets[i] != targets[j]) pairs.emplace_back(i, j);  // tied targets carry no order
  const auto total = static_cast<int64_t>(pairs.size());
  if (total > max_pairs) {
    for (int64_t i = 0; i < max_pairs; ++i) {
      std::uniform_int_distribution<int64_t> pick(i, total - 1);
      std::swap(pairs[static_cast<std::size_t>(i)], pairs[static_cast<std::size_t>(pick(rng))]);
    }
    pairs.resize(static_cast<std::size_t>(max_pairs));
  }
  return pairs;
}

namespace {

void set_lr(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// CosineAnnealingLR stepped once per epoch: lr at the start of epoch e.
double cosine_lr(const FitOptions& o, int64_t epoch) {
  const double pi = std::acos(-1.0);
  return o.eta_min +
         (o.lr - o.eta_min) * (1.0 + std::cos(pi * static_cast<double>(epoch) / static_cast<double>(o.epochs))) / 2.0;
}

}  // namespace

double fit(Predictor& predictor, const std::vector<Example>& examples, const FitOptions& options, std::mt19937_64& rng,
           const std::function<void(int64_t)>& after_epoch) {
  torch::optim::AdamW optimizer(predictor.parameters(),
                                torch::optim::AdamWOptions(options.lr).weight_decay(options.weight_decay));
  predictor.train();
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  double last_loss = 0.0;
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    set_lr(optimizer, cosine_lr(options, epoch));
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0.0;
    int64_t batches = 0;
    for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(options.batch_size)) {
      const std::size_t end = std::min(order.size(), start + static_cast<std::size_t>(options.batch_size));
      const auto n = static_cast<int64_t>(end - start);
      if (n < 2) continue;  // a single item has no pair
      std::vector<int64_t> archs(static_cast<std::size_t>(n)), devices(static_cast<std::size_t>(n));
      std::vector<float> targets(static_cast<std::size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const Example& ex = examples[order[start + static_cast<std::size_t>(i)]];
        archs[i] = ex.arch;
        devices[i] = ex.device;
        targets[i] = ex.target;
      }
      const auto pairs = sample_pairs(targets, options.pairs_per_item * n, rng);
      if (pairs.empty()) continue;
      std::vector<int64_t> first, second;
      std::vector<float> sign;
      for (const auto& [i, j] : pairs) {
        first.push_back(i);
        second.push_back(j);
        sign.push_back(targets[i] > targets[j] ? 1.0f : -1.0f);
      }
      const auto m = static_cast<int64_t>(pairs.size());
      // One forward pass over the batch; pairs index into its scores.
      const at::Tensor scores = predictor.forward(at::tensor(archs, at::kLong), at::tensor(devices, at::kLong));
      const at::Tensor diff = scores.index_select(0, at::from_blob(first.data(), {m}, at::kLong)) -
                              scores.index_select(0, at::from_blob(second.data(), {m}, at::kLong));
      const at::Tensor loss = at::relu(options.margin - at::from_blob(sign.data(), {m}, at::kFloat) * diff).mean();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    last_loss = batches ? loss_sum / static_cast<double>(batches) : 0.0;
    if (after_epoch) after_epoch(epoch);
  }
  return last_loss;
}

}  // namespace latpred
