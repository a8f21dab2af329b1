#include "linear_expert.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace latpred {
namespace {

// Solves A x = b for a symmetric positive definite A (n x n, row-major) by Cholesky; false when A is not positive
// definite (to rounding).
bool solve_spd(std::vector<double> a, std::vector<double>& b, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double diagonal = a[j * n + j];
    for (int64_t p = 0; p < j; ++p) diagonal -= a[j * n + p] * a[j * n + p];
    if (!(diagonal > 1e-12)) return false;
    const double root = std::sqrt(diagonal);
    a[j * n + j] = root;
    for (int64_t i = j + 1; i < n; ++i) {
      double value = a[i * n + j];
      for (int64_t p = 0; p < j; ++p) value -= a[i * n + p] * a[j * n + p];
      a[i * n + j] = value / root;
    }
  }
  for (int64_t i = 0; i < n; ++i) {  // L y = b
    for (int64_t p = 0; p < i; ++p) b[i] -= a[i * n + p] * b[p];
    b[i] /= a[i * n + i];
  }
  for (int64_t i = n - 1; i >= 0; --i) {  // L^T x = y
    for (int64_t p = i + 1; p < n; ++p) b[i] -= a[p * n + i] * b[p];
    b[i] /= a[i * n + i];
  }
  return true;
}

}  // namespace

LinearExpert::LinearExpert(const at::Tensor& features) {
  if (!features.defined() || features.dim() != 2 || features.size(1) == 0) {
    throw std::invalid_argument("LinearExpert: expected a non-empty 2-d feature matrix (archs x features)");
  }
  const at::Tensor x = features.to(at::kDouble).contiguous();
  rows_ = x.size(0);
  dim_ = x.size(1);
  features_.assign(x.data_ptr<double>(), x.data_ptr<double>() + rows_ * dim_);
  for (int64_t c = 0; c < dim_; ++c) {
    double mean = 0.0, squares = 0.0;
    for (int64_t r = 0; r < rows_; ++r) mean += features_[r * dim_ + c];
    mean /= static_cast<double>(rows_);
    for (int64_t r = 0; r < rows_; ++r) squares += std::pow(features_[r * dim_ + c] - mean, 2);
    const double sd = std::sqrt(squares / static_cast<double>(rows_));
    const double scale = sd > 1e-12 * std::max(1.0, std::abs(mean)) ? 1.0 / sd : 0.0;
    for (int64_t r = 0; r < rows_; ++r) features_[r * dim_ + c] = (features_[r * dim_ + c] - mean) * scale;
  }
}

void LinearExpert::fit(const std::vector<int64_t>& archs, const std::vector<float>& latency_ms, double ridge,
                       FitTarget fit_target) {
  if (archs.size() != latency_ms.size() || archs.empty()) {
    throw std::invalid_argument("LinearExpert::fit: expected one latency per arch and at least one arch");
  }
  std::vector<double> target;
  target.reserve(latency_ms.size());
  for (float ms : latency_ms) {
    target.push_back(fit_target == FitTarget::kMs ? ms : std::log(std::max(static_cast<double>(ms), 1e-9)));
  }
  // The unpenalised intercept: centre targets and features on the samples' means, then
  // (Xc^T Xc + ridge I) w = Xc^T (y - mean y) and intercept = mean y - mean x . w.
  const auto n = static_cast<double>(archs.size());
  double mean_target = 0.0;
  for (double t : target) mean_target += t;
  mean_target /= n;
  std::vector<double> mean_row(static_cast<std::size_t>(dim_), 0.0);
  for (int64_t arch : archs) {
    const double* row = &features_.at(static_cast<std::size_t>(arch * dim_));
    for (int64_t i = 0; i < dim_; ++i) mean_row[i] += row[i] / n;
  }
  std::vector<double> gram(static_cast<std::size_t>(dim_ * dim_), 0.0), rhs(static_cast<std::size_t>(dim_), 0.0);
  std::vector<double> centred_row(static_cast<std::size_t>(dim_));
  for (std::size_t s = 0; s < archs.size(); ++s) {
    const double* row = &features_.at(static_cast<std::size_t>(archs[s] * dim_));
    for (int64_t i = 0; i < dim_; ++i) centred_row[i] = row[i] - mean_row[i];
    const double centred = target[s] - mean_target;
    for (int64_t i = 0; i < dim_; ++i) {
      rhs[i] += centred_row[i] * centred;
      for (int64_t j = 0; j < dim_; ++j) gram[i * dim_ + j] += centred_row[i] * centred_row[j];
    }
  }
  for (int64_t i = 0; i < dim_; ++i) gram[i * dim_ + i] += ridge;
  if (!solve_spd(std::move(gram), rhs, dim_)) {
    throw std::invalid_argument("LinearExpert::fit: singular system (" + std::to_string(archs.size()) + " samples, " +
                                std::to_string(dim_) + " features, ridge " + std::to_string(ridge) +
                                "): use a positive ridge");
  }
  weights_ = std::move(rhs);
  intercept_ = mean_target;
  for (int64_t i = 0; i < dim_; ++i) intercept_ -= mean_row[i] * weights_[i];
}

std::vector<float> LinearExpert::predict(const std::vector<int64_t>& archs) const {
  if (weights_.empty()) throw std::logic_error("LinearExpert::predict before fit");
  std::vector<float> out;
  out.reserve(archs.size());
  for (int64_t arch : archs) {
    const double* row = &features_.at(static_cast<std::size_t>(arch * dim_));
    double value = intercept_;
    for (int64_t i = 0; i < dim_; ++i) value += row[i] * weights_[i];
    out.push_back(static_cast<float>(value));
  }
  return out;
}

}  // namespace latpred
