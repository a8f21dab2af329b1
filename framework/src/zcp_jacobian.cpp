// Scores from the input Jacobian and the ReLU activation codes of the synthetic batch:
//   jacov   = -sum_i log(v_i + k) + 1/(v_i + k), v = eigenvalues of the correlation matrix of the per-image input
//             Jacobians of sum(outputs) (Mellor et al. 2020 v1), k = 1e-5
//   epe_nas = sum_c | sum log(|corr_c| + k) |, corr_c = correlations of the Jacobians of the images of class c
//             (Lopes et al. 2021, the form for <= 100 classes)
//   nwot    = log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T, c = binary activation codes (Mellor et al. 2021)
// NaN where numpy (and so NASLib) gives NaN: a constant Jacobian row has no correlation.
#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <map>

#include "zcp_internal.hpp"

namespace latpred::detail {
namespace {

constexpr double kEps = 1e-5;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// numpy.corrcoef of the rows.
at::Tensor row_correlations(const at::Tensor& rows) {
  const at::Tensor centered = rows - rows.mean(1, true);
  const at::Tensor cov = centered.matmul(centered.t());
  const at::Tensor std = cov.diagonal().sqrt();
  return cov / std.unsqueeze(1) / std.unsqueeze(0);
}

}  // namespace

double jacov_score(const at::Tensor& jacobian) {
  const at::Tensor corr = row_correlations(jacobian);
  if (!at::isfinite(corr).all().item<bool>()) return kNaN;
  const at::Tensor v = at::linalg_eigvalsh(corr) + kEps;
  const double score = -(v.log() + v.reciprocal()).sum().item<double>();
  return std::isfinite(score) ? score : kNaN;
}

double epe_nas_score(const at::Tensor& jacobian, const at::Tensor& targets) {
  std::map<int64_t, std::vector<int64_t>> rows_of_class;
  for (int64_t i = 0; i < targets.size(0); ++i) rows_of_class[targets[i].item<int64_t>()].push_back(i);
  double score = 0.0;
  for (const auto& [label, rows] : rows_of_class) {
    const at::Tensor corr = row_correlations(jacobian.index_select(0, at::tensor(rows, at::kLong)));
    const double s = (corr.abs() + kEps).log().sum().item<double>();
    if (!std::isfinite(s)) return kNaN;
    score += std::abs(s);
  }
  return score;
}

double nwot_score(const at::Tensor& kernel) {
  const auto [sign, logabsdet] = at::linalg_slogdet(kernel);
  return logabsdet.item<double>();
}

}  // namespace latpred::detail
