// Unsupervised training of the arch2vec VAE on every architecture of a dataset, and the per-arch embedding it
// yields (the mean over nodes of the latent mean mu, as NASFLAT uses it).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include <ATen/Tensor.h>

#include "arch2vec_model.hpp"
#include "latpred/dataset.hpp"

namespace latpred::arch2vec {

struct GraphInputs {
  at::Tensor ops;  // N x V int64 node labels
  at::Tensor adj;  // N x V x V float32, adj[n][u][v] = 1 for an edge u -> v
  int64_t num_labels = 0;
};

// The graphs of every arch of `data`: the space's predictor graph, or its full cell graph when `full`.
GraphInputs graph_inputs(const Dataset& data, bool full);

// What the GIN encoder sees: arch2vec's preprocessing adds the transposed strict upper triangle to the adjacency
// (edges become undirected; an existing diagonal, e.g. FBNet's identity graph, stays as is).
at::Tensor encoder_adjacency(const at::Tensor& adj);

struct TrainOptions {
  ModelOptions model;
  int64_t epochs = 10;
  int64_t batch = 32;
  double lr = 1e-3;
  uint64_t seed = 0;
  double holdout = 0.1;            // fraction of archs kept out of training to measure reconstruction
  std::string label = "arch2vec";  // prefix of the log lines
};

struct Reconstruction {
  double ops = std::numeric_limits<double>::quiet_NaN();  // nodes whose label is the decoder's argmax
  double adj = std::numeric_limits<double>::quiet_NaN();  // upper-triangle entries right at threshold 0.5
};

struct TrainResult {
  at::Tensor table;          // N x dim float32
  Reconstruction holdout;    // after the last epoch, on the held-out archs (NaN when there are none)
  double final_loss = 0.0;   // mean training loss of the last epoch
  at::Tensor holdout_archs;  // int64 indices of the held-out archs
  double seconds = 0.0;
};

// Trains from `options.seed` alone: the global LibTorch generator is seeded for the training and restored after
// it, so a caller's random stream is the same whether the table was trained or loaded from a cache.
TrainResult train(const GraphInputs& inputs, const TrainOptions& options);

}  // namespace latpred::arch2vec
