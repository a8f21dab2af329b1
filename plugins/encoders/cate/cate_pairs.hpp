// Computation-aware pairs and attention masks of the CATE encoder (Yan et al., ICML 2021).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace latpred_cate {

// CATE pairs architectures of similar computational cost: the archs are sorted by cost, and each one is paired
// with up to `k` partners drawn at random (without replacement) among the archs before it in that order whose cost
// is at most `window` below its own. `members` are the arch indices to pair (indices into `cost`); the result holds
// (arch, partner) index pairs. Deterministic for a given seed; ties in cost keep the order of `members`.
std::vector<std::pair<int64_t, int64_t>> computation_aware_pairs(const std::vector<double>& cost,
                                                                 const std::vector<int64_t>& members, int64_t k,
                                                                 double window, uint64_t seed);

// CATE's self-attention mask of one graph: mask[i * n + j] = 1 when node j is reachable from node i along the
// edges of `adj` (adj[u * n + v] = 1 for an edge u -> v), i.e. the transitive closure of the adjacency. The
// diagonal is 1 only where the graph has a self-loop or a cycle, as in CATE.
std::vector<float> reachability_mask(const std::vector<float>& adj, int n);

}  // namespace latpred_cate
