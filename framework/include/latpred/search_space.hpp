// Search spaces: turn an architecture's op choices into the graph the predictors see.
//
// An architecture is stored as its op choices (NB201: 6 edge ops, ids 0 none, 1 skip_connect, 2 nor_conv_1x1,
// 3 nor_conv_3x3, 4 avg_pool_3x3, in arch-string edge order; FBNet: 22 block ids 0..8). Which architectures a study
// uses, and in which index order, comes from the dataset; the space only knows how to convert them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// A directed graph with one op label per node. adj[u * num_nodes + v] = 1 means an edge u -> v.
struct ArchGraph {
  int num_nodes = 0;
  std::vector<float> adj;
  std::vector<int64_t> ops;
  bool operator==(const ArchGraph& o) const { return num_nodes == o.num_nodes && adj == o.adj && ops == o.ops; }
};

class LATPRED_API SearchSpace {
 public:
  virtual ~SearchSpace();
  virtual std::string name() const = 0;                   // "nb201", "fbnet"
  virtual int num_choices() const = 0;                    // ops per architecture (6 / 22)
  virtual int num_op_values() const = 0;                  // distinct op ids per choice (5 / 9)
  virtual int num_nodes() const = 0;                      // nodes of the predictor graph (8 / 22)
  virtual int num_node_labels() const = 0;                // distinct node labels (7 / 9)
  virtual std::vector<std::string> op_names() const = 0;  // names of the op ids
  virtual ArchGraph graph(const std::vector<int>& ops) const = 0;
  // The same nodes and labels without the reference's simplifications (NB201: no none/skip rewiring or pruning,
  // so every op the network executes stays visible; FBNet: the layer chain instead of the identity).
  virtual ArchGraph full_graph(const std::vector<int>& ops) const = 0;
  // Human-readable form (NB201 arch string; FBNet block names joined by '-').
  virtual std::string arch_string(const std::vector<int>& ops) const = 0;
  // Throws std::invalid_argument on a wrong length or an op id out of range.
  void check(const std::vector<int>& ops) const;
};

LATPRED_API std::unique_ptr<SearchSpace> make_nb201_space();
LATPRED_API std::unique_ptr<SearchSpace> make_fbnet_space();
// "nb201" | "fbnet"; throws ConfigError-like Error listing the known spaces otherwise.
LATPRED_API std::unique_ptr<SearchSpace> make_search_space(const std::string& name);
LATPRED_API std::vector<std::string> search_space_names();

// NB201 helpers (exposed for tests and encoders).
// Parses "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|" into the 6 op ids; throws std::invalid_argument.
LATPRED_API std::vector<int> nb201_parse_arch_string(const std::string& arch);
// True if no path connects the input to the output (the graph is then all-zero).
LATPRED_API bool nb201_output_disconnected(const std::vector<int>& ops);

// FBNet helper: the layer chain (i -> i+1) as adjacency, for encoders that want the sequence encoded. The
// reference's graph() uses the identity instead.
LATPRED_API ArchGraph fbnet_chain_graph(const std::vector<int>& ops);

}  // namespace latpred
