#include "arch2vec_train.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>

#include "latpred/seed_scope.hpp"

namespace latpred::arch2vec {
namespace {

constexpr double kGradClip = 5.0;     // arch2vec clips the gradient norm at 5
constexpr int64_t kEvalBatch = 1024;  // rows per forward pass when encoding / measuring (no gradients)

// Everything a batch needs, precomputed for all archs.
struct Prepared {
  at::Tensor onehot;      // N x V x L float
  at::Tensor enc_adj;     // N x V x V, what the encoder sees
  at::Tensor target_adj;  // N x V x V, strict upper triangle of the directed adjacency
  at::Tensor labels;      // N x V int64
};

Prepared prepare(const GraphInputs& inputs) {
  Prepared p;
  p.labels = inputs.ops;
  p.onehot = at::one_hot(inputs.ops, inputs.num_labels).to(at::kFloat);
  p.enc_adj = encoder_adjacency(inputs.adj);
  p.target_adj = at::triu(inputs.adj, 1);
  return p;
}

// arch2vec's objective: binary cross-entropy of the sigmoid label outputs against the one-hot labels (mean over
// B x V x L) and of the sigmoid inner products against the upper-triangle adjacency (entries outside the strict upper
// triangle are zero on both sides and add nothing, but count in the mean over B x V x V), plus its KL term, which it
// divides by B x V.
at::Tensor vae_loss(const at::Tensor& op_logits, const at::Tensor& adj_logits, const at::Tensor& mu,
                    const at::Tensor& logvar, const at::Tensor& onehot, const at::Tensor& target_adj) {
  const int64_t batch = mu.size(0), nodes = mu.size(1);
  const at::Tensor ops_loss = at::binary_cross_entropy_with_logits(op_logits, onehot);
  const at::Tensor mask = at::ones({nodes, nodes}, adj_logits.options()).triu(1);
  const at::Tensor adj_terms =
      at::binary_cross_entropy_with_logits(adj_logits, target_adj, {}, {}, at::Reduction::None) * mask;
  const at::Tensor adj_loss = adj_terms.sum() / static_cast<double>(batch * nodes * nodes);
  const at::Tensor kl_terms = (1 + 2 * logvar - mu.pow(2) - at::exp(2 * logvar)).sum(2);
  const at::Tensor kl = -0.5 / static_cast<double>(batch * nodes) * kl_terms.mean();
  return ops_loss + adj_loss + kl;
}

// Reconstruction from mu (eval mode, no dropout) of the archs `rows`.
Reconstruction reconstruction(GinVae& model, const Prepared& p, const at::Tensor& rows) {
  Reconstruction out;
  const int64_t n = rows.numel();
  if (n == 0) return out;
  const int64_t nodes = p.labels.size(1);
  const at::Tensor upper = at::ones({nodes, nodes}, at::kBool).triu(1);
  int64_t ops_right = 0, adj_right = 0;
  for (int64_t start = 0; start < n; start += kEvalBatch) {
    const at::Tensor idx = rows.slice(0, start, std::min(n, start + kEvalBatch));
    const auto [mu, logvar] = model.encode(p.onehot.index_select(0, idx), p.enc_adj.index_select(0, idx));
    const auto [op_logits, adj_logits] = model.decode(mu);
    ops_right += op_logits.argmax(2).eq(p.labels.index_select(0, idx)).sum().item<int64_t>();
    const at::Tensor predicted = adj_logits.gt(0);  // sigmoid > 0.5
    const at::Tensor truth = p.target_adj.index_select(0, idx).gt(0.5);
    adj_right += (predicted.eq(truth) & upper).sum().item<int64_t>();
  }
  out.ops = static_cast<double>(ops_right) / static_cast<double>(n * nodes);
  out.adj = static_cast<double>(adj_right) / static_cast<double>(n * nodes * (nodes - 1) / 2);
  return out;
}

}  // namespace

GraphInputs graph_inputs(const Dataset& data, bool full) {
  const SearchSpace& space = data.space();
  const int64_t n = data.num_archs(), v = space.num_nodes();
  GraphInputs in;
  in.num_labels = space.num_node_labels();
  in.ops = at::empty({n, v}, at::kLong);
  in.adj = at::empty({n, v, v}, at::kFloat);
  int64_t* ops = in.ops.data_ptr<int64_t>();
  float* adj = in.adj.data_ptr<float>();
  for (int64_t a = 0; a < n; ++a) {
    const ArchGraph g = full ? space.full_graph(data.arch_ops(a)) : space.graph(data.arch_ops(a));
    std::copy(g.ops.begin(), g.ops.end(), ops + a * v);
    std::copy(g.adj.begin(), g.adj.end(), adj + a * v * v);
  }
  return in;
}

at::Tensor encoder_adjacency(const at::Tensor& adj) { return adj + at::triu(adj, 1).transpose(-1, -2); }

TrainResult train(const GraphInputs& inputs, const TrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const GlobalSeedScope seed_scope(options.seed);  // module init, noise, dropout and shuffling draw from it
  const Prepared p = prepare(inputs);
  const int64_t n = inputs.ops.size(0);
  const int64_t n_train = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(n) * (1.0 - options.holdout)));
  const at::Tensor order = at::randperm(n, at::kLong);
  const at::Tensor train_archs = order.slice(0, 0, n_train);
  TrainResult result;
  result.holdout_archs = std::get<0>(order.slice(0, n_train).sort());

  ModelOptions model_options = options.model;
  model_options.num_labels = inputs.num_labels;
  auto model = std::make_shared<GinVae>(model_options);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(options.lr));
  for (int64_t epoch = 1; epoch <= options.epochs; ++epoch) {
    model->train();
    const at::Tensor shuffled = train_archs.index_select(0, at::randperm(n_train, at::kLong));
    double loss_sum = 0.0;
    for (int64_t first = 0; first < n_train; first += options.batch) {
      const at::Tensor idx = shuffled.slice(0, first, std::min(n_train, first + options.batch));
      const at::Tensor onehot = p.onehot.index_select(0, idx);
      optimizer.zero_grad();
      const auto [mu, logvar] = model->encode(onehot, p.enc_adj.index_select(0, idx));
      const at::Tensor z = mu + at::exp(logvar) * at::randn_like(mu);
      const auto [op_logits, adj_logits] = model->decode(z);
      const at::Tensor loss = vae_loss(op_logits, adj_logits, mu, logvar, onehot, p.target_adj.index_select(0, idx));
      loss.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), kGradClip);
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(idx.numel());
    }
    result.final_loss = loss_sum / static_cast<double>(n_train);
    model->eval();
    const at::NoGradGuard no_grad;
    result.holdout = reconstruction(*model, p, result.holdout_archs);
    spdlog::info("{}: epoch {}/{} loss {:.5f}, held-out reconstruction: ops {:.4f}, adjacency {:.4f} ({:.1f} s)",
                 options.label, epoch, options.epochs, result.final_loss, result.holdout.ops, result.holdout.adj,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  model->eval();
  const at::NoGradGuard no_grad;
  std::vector<at::Tensor> parts;
  for (int64_t first = 0; first < n; first += kEvalBatch) {
    const int64_t last = std::min(n, first + kEvalBatch);
    const auto [mu, logvar] = model->encode(p.onehot.slice(0, first, last), p.enc_adj.slice(0, first, last));
    parts.push_back(mu.mean(1));
  }
  result.table = at::cat(parts).contiguous();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace latpred::arch2vec
