#include "kmeans_pick.hpp"

#include <limits>

namespace latpred::samplers {

Schema& add_kmeans_params(Schema& schema) {
  return schema.integer("n_init", 10, "k-means restarts (k-means++ each); the lowest inertia wins", 1)
      .integer("max_iter", 300, "Lloyd iterations per restart at most", 1)
      .real("tol", 1e-4, "stop when the squared centre shift <= tol x mean feature variance (scikit-learn's rule)",
            0.0);
}

KMeansOptions kmeans_options(const Params& params, int64_t k) {
  KMeansOptions o;
  o.k = k;
  o.n_init = params.get_int("n_init");
  o.max_iter = params.get_int("max_iter");
  o.tol = params.get_float("tol");
  return o;
}

std::vector<int64_t> kmeans_pick(const FeatureMatrix& x, const KMeansOptions& options, const std::string& pick,
                                 uint64_t seed) {
  if (options.k == 0) return {};
  const KMeansResult clusters = kmeans(x, options, stream_seed(seed, 1));
  std::vector<int64_t> picks;
  if (pick == "nearest") {
    std::vector<char> taken(static_cast<std::size_t>(x.n), 0);
    for (int64_t c = 0; c < options.k; ++c) {
      int64_t best = -1;
      double best_sq = std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < x.n; ++i) {
        if (taken[i]) continue;
        const double sq = squared_distance(x.row(i), &clusters.centers[c * x.d], x.d);
        if (sq < best_sq) best_sq = sq, best = i;
      }
      taken[best] = 1;
      picks.push_back(best);
    }
    return picks;
  }
  std::vector<std::vector<int64_t>> members(static_cast<std::size_t>(options.k));
  for (int64_t i = 0; i < x.n; ++i) members[clusters.label[i]].push_back(i);
  std::mt19937_64 rng(stream_seed(seed, 2));
  for (const auto& m : members) {
    if (m.empty()) {
      picks.push_back(-1);
      continue;
    }
    picks.push_back(m[std::uniform_int_distribution<std::size_t>(0, m.size() - 1)(rng)]);
  }
  return picks;
}

}  // namespace latpred::samplers
