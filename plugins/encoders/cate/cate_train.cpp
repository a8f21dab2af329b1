#include "cate_train.hpp"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/optim/adamw.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "cate_model.hpp"
#include "cate_pairs.hpp"
#include "latpred/seed_scope.hpp"

namespace latpred_cate {
namespace {

using Pairs = std::vector<std::pair<int64_t, int64_t>>;

uint64_t next(uint64_t& state) {  // splitmix64: portable and cheap
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
double uniform(uint64_t& state) { return static_cast<double>(next(state) >> 11) * 0x1.0p-53; }

at::Tensor index_tensor(const Pairs& pairs, std::size_t begin, std::size_t end, bool second) {
  at::Tensor idx = at::empty({static_cast<int64_t>(end - begin)}, at::kLong);
  int64_t* p = idx.data_ptr<int64_t>();
  for (std::size_t i = begin; i < end; ++i) p[i - begin] = second ? pairs[i].second : pairs[i].first;
  return idx;
}

struct BatchStats {
  double loss_sum = 0.0;
  int64_t correct = 0, total = 0;
};

// One forward pass over pairs [begin, end); returns the mean smoothed loss over the masked tokens (undefined when
// none was masked) and adds to `stats`.
at::Tensor pair_loss(CateNet& net, const TrainData& data, const Pairs& pairs, std::size_t begin, std::size_t end,
                     const TrainSettings& s, uint64_t& rng, BatchStats& stats) {
  const at::Tensor ix = index_tensor(pairs, begin, end, false), iy = index_tensor(pairs, begin, end, true);
  const int64_t mask_token = data.num_labels;
  auto [x, tx] = corrupt(data.tokens.index_select(0, ix), s.mask_rate, data.num_labels, mask_token, rng);
  auto [y, ty] = corrupt(data.tokens.index_select(0, iy), s.mask_rate, data.num_labels, mask_token, rng);
  const at::Tensor log_probs = net->forward(x, data.masks.index_select(0, ix), y, data.masks.index_select(0, iy));
  const at::Tensor targets = at::cat({tx, ty}, 1).reshape({-1});
  const at::Tensor selected = targets.ge(0).nonzero().squeeze(1);
  if (selected.numel() == 0) return at::Tensor();
  const at::Tensor lp = log_probs.reshape({-1, data.num_labels}).index_select(0, selected);
  const at::Tensor t = targets.index_select(0, selected);
  // Label smoothing: the target keeps 1 - eps, the other labels share eps (CATE's KL loss up to a constant).
  const double eps = data.num_labels > 1 ? s.label_smoothing : 0.0;
  const at::Tensor target_lp = lp.gather(1, t.unsqueeze(1)).squeeze(1);
  const at::Tensor other_lp = lp.sum(1) - target_lp;
  const double share = data.num_labels > 1 ? eps / static_cast<double>(data.num_labels - 1) : 0.0;
  const at::Tensor loss = -((1.0 - eps) * target_lp + share * other_lp).mean();
  stats.loss_sum += loss.item<double>() * static_cast<double>(t.numel());
  stats.correct += lp.argmax(1).eq(t).sum().item<int64_t>();
  stats.total += t.numel();
  return loss;
}

double heldout_accuracy(CateNet& net, const TrainData& data, const Pairs& pairs, const TrainSettings& s) {
  if (pairs.empty()) return std::numeric_limits<double>::quiet_NaN();
  at::NoGradGuard no_grad;
  net->eval();
  uint64_t rng = s.seed ^ 0x5eedf00dULL;  // the same corruption after every epoch
  BatchStats stats;
  for (std::size_t b = 0; b < pairs.size(); b += static_cast<std::size_t>(s.batch_size))
    pair_loss(net, data, pairs, b, std::min(pairs.size(), b + static_cast<std::size_t>(s.batch_size)), s, rng, stats);
  net->train();
  return stats.total ? static_cast<double>(stats.correct) / static_cast<double>(stats.total)
                     : std::numeric_limits<double>::quiet_NaN();
}

torch::optim::AdamW make_optimizer(CateNet& net, const TrainSettings& s) {
  // As CATE: no weight decay on biases and LayerNorm weights.
  std::vector<at::Tensor> decay, no_decay;
  for (const auto& item : net->named_parameters()) {
    const std::string& name = item.key();
    const bool is_norm = name.find("norm") != std::string::npos;
    const bool is_bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
    (is_norm || is_bias ? no_decay : decay).push_back(item.value());
  }
  auto options = [&](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(s.lr).weight_decay(wd).eps(1e-8));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(s.weight_decay));
  groups.emplace_back(no_decay, options(0.0));
  return torch::optim::AdamW(groups, torch::optim::AdamWOptions(s.lr));
}

}  // namespace

std::pair<at::Tensor, at::Tensor> corrupt(const at::Tensor& tokens, double rate, int64_t num_labels, int64_t mask_token,
                                          uint64_t& state) {
  at::Tensor out = tokens.contiguous().clone();
  at::Tensor targets = at::full_like(out, -1);
  int64_t* o = out.data_ptr<int64_t>();
  int64_t* t = targets.data_ptr<int64_t>();
  for (int64_t i = 0; i < out.numel(); ++i) {
    if (uniform(state) >= rate) continue;
    t[i] = o[i];
    o[i] = uniform(state) < 0.8 ? mask_token : static_cast<int64_t>(next(state) % static_cast<uint64_t>(num_labels));
  }
  return {out, targets};
}

TrainResult train_cate(const TrainData& data, const TrainSettings& s,
                       const std::function<void(const std::string&)>& log) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t n = data.tokens.size(0);
  const latpred::GlobalSeedScope seed_scope(s.seed);

  // Hold out a seeded random share of the archs; pairs are formed within each part, as CATE pairs its train and
  // test archs separately.
  std::vector<int64_t> order(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  uint64_t rng = s.seed;
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[next(rng) % i]);
  const auto heldout_count = static_cast<std::size_t>(std::floor(s.holdout * static_cast<double>(n)));
  const std::vector<int64_t> heldout(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(heldout_count));
  const std::vector<int64_t> train(order.begin() + static_cast<std::ptrdiff_t>(heldout_count), order.end());
  const auto [lo, hi] = std::minmax_element(data.cost.begin(), data.cost.end());
  const double window = n > 0 ? s.pair_window * (*hi - *lo) : 0.0;
  Pairs train_pairs = computation_aware_pairs(data.cost, train, s.pair_k, window, next(rng));
  const Pairs heldout_pairs = computation_aware_pairs(data.cost, heldout, s.pair_k, window, next(rng));

  CateShape shape;
  shape.vocab = data.num_labels + 1;
  shape.num_labels = data.num_labels;
  shape.graph = {s.graph_layers, s.d_model, s.graph_heads, s.graph_ff, s.dropout};
  shape.pair = {s.pair_layers, s.d_model, s.pair_heads, s.pair_ff, s.dropout};
  CateNet net(shape);
  net->train();
  torch::optim::AdamW optimizer = make_optimizer(net, s);

  const auto batch = static_cast<std::size_t>(s.batch_size);
  const int64_t steps_per_epoch = static_cast<int64_t>((train_pairs.size() + batch - 1) / batch);
  const int64_t total_steps = steps_per_epoch * s.epochs;
  int64_t step = 0;
  TrainResult result;
  result.train_pairs = static_cast<int64_t>(train_pairs.size());
  result.heldout_pairs = static_cast<int64_t>(heldout_pairs.size());
  for (int64_t epoch = 1; epoch <= s.epochs; ++epoch) {
    for (std::size_t i = train_pairs.size(); i > 1; --i) std::swap(train_pairs[i - 1], train_pairs[next(rng) % i]);
    BatchStats stats;
    for (std::size_t b = 0; b < train_pairs.size(); b += batch, ++step) {
      // Linear warm-up then linear decay to 0 (CATE's schedule; step 0 of a warm-up runs at lr 0 as there).
      const double factor = step < s.warmup
                                ? static_cast<double>(step) / static_cast<double>(s.warmup)
                                : std::max(0.0, static_cast<double>(total_steps - step) /
                                                    static_cast<double>(std::max<int64_t>(1, total_steps - s.warmup)));
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(s.lr * factor);
      optimizer.zero_grad();
      const at::Tensor loss =
          pair_loss(net, data, train_pairs, b, std::min(train_pairs.size(), b + batch), s, rng, stats);
      if (!loss.defined()) continue;
      loss.backward();
      optimizer.step();
    }
    EpochLog entry;
    entry.epoch = epoch;
    entry.loss = stats.total ? stats.loss_sum / static_cast<double>(stats.total) : 0.0;
    entry.train_accuracy = stats.total ? static_cast<double>(stats.correct) / static_cast<double>(stats.total) : 0.0;
    entry.heldout_accuracy = heldout_accuracy(net, data, heldout_pairs, s);
    result.epochs.push_back(entry);
    char line[200];
    std::snprintf(
        line, sizeof line, "cate: epoch %lld/%lld loss %.4f masked-op accuracy %.4f (train) %.4f (held-out) %.1f s",
        static_cast<long long>(epoch), static_cast<long long>(s.epochs), entry.loss, entry.train_accuracy,
        entry.heldout_accuracy, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    log(line);
  }

  // The embedding: the graph encoder's hidden state of the last node (CATE's get_embeddings), dropout off.
  at::NoGradGuard no_grad;
  net->eval();
  std::vector<at::Tensor> rows;
  for (int64_t b = 0; b < n; b += 1024) {
    const int64_t e = std::min(n, b + 1024);
    rows.push_back(net->encode(data.tokens.slice(0, b, e), data.masks.slice(0, b, e)).select(1, -1));
  }
  result.table = n > 0 ? at::cat(rows, 0).contiguous() : at::zeros({0, s.d_model});
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace latpred_cate
