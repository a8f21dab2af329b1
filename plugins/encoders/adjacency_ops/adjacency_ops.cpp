// Encoder plugin "adjacency_ops": the search space's predictor graph (adjacency + node op labels) of every arch.
#include <ATen/ATen.h>

#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"

namespace {

class AdjacencyOpsEncoder : public latpred::Encoder {
 public:
  explicit AdjacencyOpsEncoder(bool full) : full_(full) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const latpred::SearchSpace& space = data.space();
    const int64_t n = data.num_archs();
    const int64_t v = space.num_nodes();
    at::Tensor adj = at::zeros({n, v, v}, at::kFloat);
    at::Tensor ops = at::zeros({n, v}, at::kLong);
    float* adj_data = adj.data_ptr<float>();
    int64_t* ops_data = ops.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const latpred::ArchGraph graph = full_ ? space.full_graph(data.arch_ops(i)) : space.graph(data.arch_ops(i));
      std::copy(graph.adj.begin(), graph.adj.end(), adj_data + i * v * v);
      std::copy(graph.ops.begin(), graph.ops.end(), ops_data + i * v);
    }
    latpred::ArchFeatures features;
    features.adj = adj;
    features.ops = ops;
    features.num_node_labels = space.num_node_labels();
    return features;
  }

 private:
  bool full_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "adjacency_ops",
      "The search space's predictor graph: adjacency matrix (u -> v) and one op label per node (NB201: the 8-node "
      "cell graph with none/skip rewiring and pruning; FBNet: 22 layer nodes).",
      latpred::Schema().choice(
          "graph", "full", {"full", "reference"},
          "reference: NASFLAT's graph (NB201 none/skip nodes rewired and nodes off input->output paths pruned, "
          "FBNet identity adjacency); full: every op node kept on the unsimplified graph (NB201 cell, FBNet layer "
          "chain) - every op the network executes stays visible, which matters for latency"),
      [](const latpred::Params& p) { return std::make_shared<AdjacencyOpsEncoder>(p.get_string("graph") == "full"); });
}

}  // namespace

LATPRED_PLUGIN("adjacency_ops_encoder", "1.0", register_components)
