#include "cate_pairs.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace latpred_cate {

std::vector<std::pair<int64_t, int64_t>> computation_aware_pairs(const std::vector<double>& cost,
                                                                 const std::vector<int64_t>& members, int64_t k,
                                                                 double window, uint64_t seed) {
  if (k < 1) throw std::invalid_argument("computation_aware_pairs: k must be >= 1, got " + std::to_string(k));
  if (!(window >= 0.0)) throw std::invalid_argument("computation_aware_pairs: window must be >= 0");
  for (int64_t m : members)
    if (m < 0 || m >= static_cast<int64_t>(cost.size()))
      throw std::invalid_argument("computation_aware_pairs: member " + std::to_string(m) + " outside the " +
                                  std::to_string(cost.size()) + " costs");
  std::vector<int64_t> sorted = members;
  std::stable_sort(sorted.begin(), sorted.end(), [&](int64_t a, int64_t b) {
    return cost[static_cast<std::size_t>(a)] < cost[static_cast<std::size_t>(b)];
  });
  std::mt19937_64 rng(seed);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  pairs.reserve(sorted.size() * static_cast<std::size_t>(k));
  std::vector<std::size_t> candidates;
  std::size_t head = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double c = cost[static_cast<std::size_t>(sorted[i])];
    while (head < i && cost[static_cast<std::size_t>(sorted[head])] + window < c) ++head;
    candidates.resize(i - head);
    std::iota(candidates.begin(), candidates.end(), head);
    // Partial Fisher-Yates: the first `take` candidates become a uniform sample without replacement. Modulo keeps
    // the draw identical across standard libraries (std::uniform_int_distribution is implementation-defined).
    const std::size_t take = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(k));
    for (std::size_t t = 0; t < take; ++t) {
      const std::size_t pick = t + static_cast<std::size_t>(rng() % (candidates.size() - t));
      std::swap(candidates[t], candidates[pick]);
      pairs.emplace_back(sorted[i], sorted[candidates[t]]);
    }
  }
  return pairs;
}

std::vector<float> reachability_mask(const std::vector<float>& adj, int n) {
  if (static_cast<int64_t>(adj.size()) != static_cast<int64_t>(n) * n)
    throw std::invalid_argument("reachability_mask: adjacency has " + std::to_string(adj.size()) +
                                " entries, expected " + std::to_string(n) + "x" + std::to_string(n));
  std::vector<float> r(adj.size());
  for (std::size_t i = 0; i < adj.size(); ++i) r[i] = adj[i] > 0.0f ? 1.0f : 0.0f;
  // Warshall's algorithm, the closure CATE computes before building its mask.
  for (int via = 0; via < n; ++via)
    for (int i = 0; i < n; ++i)
      if (r[static_cast<std::size_t>(i * n + via)] > 0.0f)
        for (int j = 0; j < n; ++j)
          if (r[static_cast<std::size_t>(via * n + j)] > 0.0f) r[static_cast<std::size_t>(i * n + j)] = 1.0f;
  return r;
}

}  // namespace latpred_cate
