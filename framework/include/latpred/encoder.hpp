// Encoder: turns every architecture of a dataset into predictor inputs (a graph and/or a flat vector).
#pragma once

#include <ATen/Tensor.h>

#include "latpred/component.hpp"
#include "latpred/dataset.hpp"

namespace latpred {

// Features of all archs of a dataset; row i = arch index i. Any member may be undefined when the encoder does not
// produce it.
struct ArchFeatures {
  at::Tensor adj;               // N x V x V float32, adj[n][u][v] = 1 for an edge u -> v
  at::Tensor ops;               // N x V int64 node labels
  at::Tensor vec;               // N x D float32 flat encoding
  int64_t num_node_labels = 0;  // vocabulary size of `ops`
};

class LATPRED_API Encoder : public Component {
 public:
  static constexpr const char* kKind = kind::kEncoder;
  ~Encoder() override;
  // Encodes all archs of `data`. Called once per study and space; may cache to disk.
  virtual ArchFeatures encode(const Dataset& data) = 0;
};

}  // namespace latpred
