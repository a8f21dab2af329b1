// Evaluation metrics of a latency predictor.
#pragma once

#include <cstdint>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// Conventions: inputs of different lengths throw std::invalid_argument; a NaN in any input makes the result NaN
// (drop unmeasured archs first); undefined correlations (n < 2, a constant input) are NaN, as in scipy.

// Ranks with ties averaged (1-based), as scipy.stats.rankdata(method="average").
LATPRED_API std::vector<double> average_ranks(const std::vector<double>& x);
// Spearman rho = Pearson correlation of average ranks. NaN if either input is constant or sizes < 2.
LATPRED_API double spearman(const std::vector<double>& a, const std::vector<double>& b);
// Kendall tau-b (tie-corrected), O(n log n). NaN if either input is constant.
LATPRED_API double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);
LATPRED_API double pearson(const std::vector<double>& a, const std::vector<double>& b);

// Least-squares line latency ~ slope * score + intercept, fitted on the transfer samples.
struct LinearCalibration {
  double slope = 0.0;
  double intercept = 0.0;
  double apply(double score) const { return slope * score + intercept; }
};
LATPRED_API LinearCalibration fit_linear(const std::vector<double>& scores, const std::vector<double>& latency);

// Mean absolute percentage error, in percent.
LATPRED_API double mape(const std::vector<double>& predicted, const std::vector<double>& truth);
// Fraction of predictions within +-tolerance (relative, e.g. 0.1) of the truth.
LATPRED_API double within_fraction(const std::vector<double>& predicted, const std::vector<double>& truth,
                                   double tolerance);
// |top-k by prediction ∩ top-k by truth| / k, where "top" = fastest (smallest values); k is capped at n, ties
// are broken by index; k <= 0 throws std::invalid_argument.
LATPRED_API double topk_recall(const std::vector<double>& predicted, const std::vector<double>& truth, int64_t k);

}  // namespace latpred
