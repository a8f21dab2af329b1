// The kmeans sampler's picks, shared with kmeancosine: cluster the candidates' flat features into k clusters, then
// one uniformly random member per cluster (NASFLAT HEAD) or the candidate nearest to each centroid (older code).
#pragma once

#include <string>
#include <vector>

#include "kmeans.hpp"
#include "latpred/params.hpp"

namespace latpred::samplers {

// The k-means parameters of a sampler schema (n_init, max_iter, tol).
Schema& add_kmeans_params(Schema& schema);
KMeansOptions kmeans_options(const Params& params, int64_t k);

// k positions into x's rows. "random": one member per cluster (distinct; a cluster left empty, possible only with
// duplicate vectors, gives -1 for the caller to refill). "nearest": per centroid in cluster order, the nearest row
// not already taken (ties by lower position), so the picks are distinct by the same criterion.
std::vector<int64_t> kmeans_pick(const FeatureMatrix& x, const KMeansOptions& options, const std::string& pick,
                                 uint64_t seed);

}  // namespace latpred::samplers
