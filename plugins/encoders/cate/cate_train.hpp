// Masked-op pretraining of the CATE network on computation-aware pairs, and the per-arch embedding table.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace latpred_cate {

struct TrainSettings {
  int64_t d_model = 32;
  int64_t graph_layers = 12, graph_heads = 8, graph_ff = 128;
  int64_t pair_layers = 24, pair_heads = 8, pair_ff = 256;
  double dropout = 0.1;
  double mask_rate = 0.2;        // share of tokens corrupted (80% -> [MASK], 20% -> a random label)
  double label_smoothing = 0.1;  // of the masked-op targets
  double lr = 1e-3, weight_decay = 0.01;
  int64_t warmup = 100;       // steps of linear warm-up, then linear decay to 0 at the last step
  int64_t batch_size = 1024;  // pairs per step
  int64_t epochs = 10;
  int64_t pair_k = 2;
  double pair_window = 0.04;  // fraction of the cost range (max - min) over the archs being paired
  double holdout = 0.1;       // share of archs held out to measure masked-op accuracy
  uint64_t seed = 0;
};

// The inputs of all N archs of a space.
struct TrainData {
  at::Tensor tokens;         // N x V int64 node labels in [0, num_labels)
  at::Tensor masks;          // N x V x V bool reachability (cate_pairs.hpp)
  std::vector<double> cost;  // N computational costs the pairs are formed on
  int64_t num_labels = 0;
};

struct EpochLog {
  int64_t epoch = 0;
  double loss = 0.0;
  double train_accuracy = 0.0;    // masked-op accuracy on the training batches (dropout on)
  double heldout_accuracy = 0.0;  // NaN when nothing is held out
};

struct TrainResult {
  at::Tensor table;  // N x d_model: the graph-encoder hidden state of the last node
  std::vector<EpochLog> epochs;
  int64_t train_pairs = 0, heldout_pairs = 0;
  double seconds = 0.0;
};

// Trains from `settings.seed` and returns the table of all N archs. The global LibTorch generator is reseeded for
// the initialisation and dropout and restored afterwards, so a caller's random stream does not depend on whether
// the table was trained or loaded. `log` receives one line per epoch.
TrainResult train_cate(const TrainData& data, const TrainSettings& settings,
                       const std::function<void(const std::string&)>& log);

// Corrupts `tokens` (B x V) like CATE: each token is selected with probability `rate`; a selected token becomes
// `mask_token` with probability 0.8, else a uniformly drawn label. Returns {corrupted tokens, targets}; targets hold
// the original label at selected positions and -1 elsewhere.
std::pair<at::Tensor, at::Tensor> corrupt(const at::Tensor& tokens, double rate, int64_t num_labels, int64_t mask_token,
                                          uint64_t& state);

}  // namespace latpred_cate
