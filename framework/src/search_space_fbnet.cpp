// FBNet (HW-NAS-Bench, 22 searchable layers x 9 blocks). The predictor graph follows the reference: identity
// adjacency (the layer chain is not encoded), one node per layer labelled with its block id.
#include <string>

#include "latpred/search_space.hpp"

namespace latpred {
namespace {

constexpr int kLayers = 22;
const char* const kBlockNames[] = {"k3_e1",    "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1",
                                   "k5_e1_g2", "k5_e3",    "k5_e6", "skip"};
constexpr int kBlocks = static_cast<int>(sizeof(kBlockNames) / sizeof(kBlockNames[0]));

ArchGraph layer_graph(const std::vector<int>& ops) {
  ArchGraph g;
  g.num_nodes = kLayers;
  g.adj.assign(kLayers * kLayers, 0.0f);
  g.ops.assign(ops.begin(), ops.end());
  return g;
}

class FbnetSpace final : public SearchSpace {
 public:
  std::string name() const override { return "fbnet"; }
  int num_choices() const override { return kLayers; }
  int num_op_values() const override { return kBlocks; }
  int num_nodes() const override { return kLayers; }
  int num_node_labels() const override { return kBlocks; }
  std::vector<std::string> op_names() const override { return {std::begin(kBlockNames), std::end(kBlockNames)}; }

  ArchGraph full_graph(const std::vector<int>& ops) const override { return fbnet_chain_graph(ops); }
  ArchGraph graph(const std::vector<int>& ops) const override {
    check(ops);
    ArchGraph g = layer_graph(ops);
    for (int i = 0; i < kLayers; ++i) g.adj[i * kLayers + i] = 1.0f;
    return g;
  }

  std::string arch_string(const std::vector<int>& ops) const override {
    check(ops);
    std::string out;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (i) out += '-';
      out += kBlockNames[ops[i]];
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<SearchSpace> make_fbnet_space() { return std::make_unique<FbnetSpace>(); }

ArchGraph fbnet_chain_graph(const std::vector<int>& ops) {
  make_fbnet_space()->check(ops);
  ArchGraph g = layer_graph(ops);
  for (int i = 0; i + 1 < kLayers; ++i) g.adj[i * kLayers + i + 1] = 1.0f;
  return g;
}

}  // namespace latpred
