// Seeded, deterministic k-means: k-means++ initialisation (the standard variant: one D^2-weighted draw per centre),
// Lloyd iterations accelerated with Hamerly's bounds (the same fixed point as plain Lloyd, far fewer distance
// computations), the best of n_init restarts by inertia. Convergence as in scikit-learn: labels stop changing, or
// the squared centre shift falls to tol x the mean feature variance.
#pragma once

#include <cstdint>
#include <vector>

#include "sampler_util.hpp"

namespace latpred::samplers {

struct KMeansOptions {
  int64_t k = 8;
  int64_t n_init = 10;
  int64_t max_iter = 300;
  double tol = 1e-4;
};

struct KMeansResult {
  std::vector<int64_t> label;   // cluster of each row
  std::vector<double> centers;  // k x d, row-major
  double inertia = 0.0;         // sum of squared distances to the assigned centre
  int64_t iterations = 0;       // of the winning restart
};

// Requires 1 <= k <= x.n. An empty cluster is moved to the point farthest from its centre (as scikit-learn does).
KMeansResult kmeans(const FeatureMatrix& x, const KMeansOptions& options, uint64_t seed);

// Squared Euclidean distance of a row to a centre.
double squared_distance(const float* row, const double* center, int64_t d);

}  // namespace latpred::samplers
