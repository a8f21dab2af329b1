// The GCN architecture encoder of MultiPredict / HELP (NASFLAT_METHOD §7.1-§7.2): one-hot op labels as node
// features, `layers` graph convolutions H' = ReLU(Â H W + b) with Â the predecessor matrix plus self loops,
// row-normalised (each node averages itself and its predecessors), then one node's features as the readout.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

namespace latpred::multipredict {

class GcnEncoder : public torch::nn::Module {
 public:
  // readout_last: the last node (the cell's output node, as the reference); otherwise the mean over all nodes.
  GcnEncoder(int64_t num_labels, int64_t width, int64_t layers, bool readout_last);
  // adj: B x V x V (u -> v), ops: B x V int64 -> B x width.
  at::Tensor forward(const at::Tensor& adj, const at::Tensor& ops);

 private:
  int64_t num_labels_;
  bool readout_last_;
  torch::nn::ModuleList layers_;
};

}  // namespace latpred::multipredict
