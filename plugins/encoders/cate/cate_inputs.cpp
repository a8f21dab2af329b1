#include "cate_inputs.hpp"

#include <ATen/ATen.h>

#include <algorithm>

#include "arch_cost.hpp"
#include "cate_pairs.hpp"

namespace latpred_cate {

TrainData make_train_data(const latpred::Dataset& data, bool full, bool flops) {
  const latpred::SearchSpace& space = data.space();
  const int64_t n = data.num_archs(), v = space.num_nodes();
  TrainData in;
  in.num_labels = space.num_node_labels();
  in.tokens = at::empty({n, v}, at::kLong);
  in.masks = at::empty({n, v, v}, at::kBool);
  in.cost.resize(static_cast<std::size_t>(n));
  const int classes = space.name() == "fbnet" ? 100 : 10;  // the data set of each space's networks
  int64_t* tokens = in.tokens.data_ptr<int64_t>();
  bool* masks = in.masks.data_ptr<bool>();
  for (int64_t a = 0; a < n; ++a) {
    const std::vector<int>& ops = data.arch_ops(a);
    const latpred::ArchGraph g = full ? space.full_graph(ops) : space.graph(ops);
    std::copy(g.ops.begin(), g.ops.end(), tokens + a * v);
    const std::vector<float> reach = reachability_mask(g.adj, g.num_nodes);
    for (std::size_t i = 0; i < reach.size(); ++i) masks[a * v * v + static_cast<int64_t>(i)] = reach[i] > 0.0f;
    const latpred_cost::ArchCost cost = latpred_cost::arch_cost(space.name(), ops, classes);
    in.cost[static_cast<std::size_t>(a)] = static_cast<double>(flops ? cost.macs : cost.params);
  }
  return in;
}

}  // namespace latpred_cate
