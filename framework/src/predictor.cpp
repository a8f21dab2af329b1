#include "predictor.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "adamw.hpp"

namespace latpred {

Predictor::Predictor(std::shared_ptr<Model> model, std::shared_ptr<DeviceRep> devicerep, const ArchFeatures& features)
    : model_(std::move(model)), devicerep_(std::move(devicerep)), features_(features) {
  register_module("model", model_);
  register_module("devicerep", devicerep_);
  const at::Tensor& adj = features_.adj;
  shared_graph_ = adj.defined() && adj.size(0) > 1 && at::equal(adj, adj.slice(0, 0, 1).expand(adj.sizes()));
}

ModelInput Predictor::input(const at::Tensor& archs, const at::Tensor& devices) {
  ModelInput in;
  if (shared_graph_) {
    in.adj = features_.adj.select(0, 0).expand({archs.size(0), features_.adj.size(1), features_.adj.size(2)});
  } else if (features_.adj.defined()) {
    in.adj = features_.adj.index_select(0, archs);
  }
  if (features_.ops.defined()) in.ops = features_.ops.index_select(0, archs);
  if (features_.vec.defined()) in.vec = features_.vec.index_select(0, archs);
  // Predicting for one device (no autograd): its vector once, expanded, so a model can tell that every arch of
  // the batch is on the same device (GnnPredictor computes its first op-update layer once per op label then).
  const int64_t batch = devices.size(0);
  if (!at::GradMode::is_enabled() && batch > 1 && (devices == devices[0]).all().item<bool>()) {
    const at::Tensor once = devicerep_->forward(devices.slice(0, 0, 1));
    in.device = once.expand({batch, once.size(1)});
  } else {
    in.device = devicerep_->forward(devices);
  }
  return in;
}

at::Tensor Predictor::forward(const at::Tensor& archs, const at::Tensor& devices) {
  return model_->forward(input(archs, devices));
}

std::vector<float> Predictor::predict(const std::vector<int64_t>& archs, int device, int64_t chunk, int threads) {
  const bool was_training = is_training();
  eval();
  std::vector<float> out(archs.size());
  const auto n = static_cast<int64_t>(archs.size());
  const int64_t chunks = (n + chunk - 1) / chunk;
  // Chunk c goes to worker c % threads: each chunk's scores depend only on its archs, so the result does not
  // depend on the thread count.
  auto work = [&](int64_t first, int64_t step) {
    at::init_num_threads();   // a new thread starts with the library's default intra-op settings
    at::NoGradGuard no_grad;  // thread-local
    for (int64_t c = first; c < chunks; c += step) {
      const int64_t start = c * chunk, len = std::min(chunk, n - start);
      const at::Tensor a = at::from_blob(const_cast<int64_t*>(archs.data()) + start, {len}, at::kLong);
      const at::Tensor s = forward(a, at::full({len}, device, at::kLong)).contiguous();
      std::copy(s.data_ptr<float>(), s.data_ptr<float>() + len, out.begin() + start);
    }
  };
  const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, chunks));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < workers; ++t) {
    pool.emplace_back([&, t] {
      try {
        work(t, workers);
      } catch (...) {
        errors[static_cast<std::size_t>(t)] = std::current_exception();
      }
    });
  }
  try {
    work(0, workers);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& thread : pool) thread.join();
  train(was_training);
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
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
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = i + 1; j < n; ++j) {
      if (targets[i] != targets[j]) pairs.emplace_back(i, j);  // tied targets carry no order
    }
  }
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

// CosineAnnealingLR stepped once per epoch: lr at the start of epoch e.
double cosine_lr(const FitOptions& o, int64_t epoch) {
  const double pi = std::acos(-1.0);
  return o.eta_min +
         (o.lr - o.eta_min) * (1.0 + std::cos(pi * static_cast<double>(epoch) / static_cast<double>(o.epochs))) / 2.0;
}

// The mean pairwise hinge loss of one batch, or an undefined tensor when it has no pair of distinct targets.
at::Tensor hinge_loss(Predictor& predictor, const std::vector<int64_t>& archs, const std::vector<int64_t>& devices,
                      const std::vector<float>& targets, const FitOptions& options, std::mt19937_64& rng) {
  const auto n = static_cast<int64_t>(archs.size());
  const auto pairs = sample_pairs(targets, options.pairs_per_item * n, rng);
  if (pairs.empty()) return {};
  std::vector<int64_t> first, second;
  std::vector<float> sign;
  for (const auto& [i, j] : pairs) {
    first.push_back(i);
    second.push_back(j);
    sign.push_back(targets[i] > targets[j] ? 1.0f : -1.0f);
  }
  // One forward pass over the batch; pairs index into its scores. The index and sign tensors own copies: autograd
  // keeps them for the backward pass, after the vectors here are gone.
  const at::Tensor scores = predictor.forward(at::tensor(archs, at::kLong), at::tensor(devices, at::kLong));
  const at::Tensor diff =
      scores.index_select(0, at::tensor(first, at::kLong)) - scores.index_select(0, at::tensor(second, at::kLong));
  return at::relu(options.margin - at::tensor(sign, at::kFloat) * diff).mean();
}

// L1 or MSE between the scores and the normalised latencies, mean over the batch.
at::Tensor regression_loss(Predictor& predictor, const std::vector<int64_t>& archs, const std::vector<int64_t>& devices,
                           const std::vector<float>& targets, const std::string& loss) {
  const at::Tensor scores = predictor.forward(at::tensor(archs, at::kLong), at::tensor(devices, at::kLong));
  const at::Tensor error = scores - at::tensor(targets, at::kFloat);
  return loss == "l1" ? error.abs().mean() : error.pow(2).mean();
}

}  // namespace

double fit(Predictor& predictor, const std::vector<Example>& examples, const FitOptions& options, std::mt19937_64& rng,
           const std::function<void(int64_t)>& after_epoch) {
  if (options.loss != "hinge" && options.loss != "l1" && options.loss != "mse") {
    throw std::invalid_argument("fit: unknown loss '" + options.loss + "' (expected hinge, l1 or mse)");
  }
  FusedAdamW optimizer(predictor.parameters(), options.lr, options.weight_decay);
  predictor.train();
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  double last_loss = 0.0;
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    optimizer.set_lr(cosine_lr(options, epoch));
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0.0;
    int64_t batches = 0;
    for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(options.batch_size)) {
      const std::size_t end = std::min(order.size(), start + static_cast<std::size_t>(options.batch_size));
      const auto n = static_cast<int64_t>(end - start);
      if (n < 2) continue;  // a single item has no pair (and BatchNorm needs two)
      std::vector<int64_t> archs(static_cast<std::size_t>(n)), devices(static_cast<std::size_t>(n));
      std::vector<float> targets(static_cast<std::size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const Example& ex = examples[order[start + static_cast<std::size_t>(i)]];
        archs[i] = ex.arch;
        devices[i] = ex.device;
        targets[i] = ex.target;
      }
      const at::Tensor loss = options.loss == "hinge"
                                  ? hinge_loss(predictor, archs, devices, targets, options, rng)
                                  : regression_loss(predictor, archs, devices, targets, options.loss);
      if (!loss.defined()) continue;
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
