#include "cosine.hpp"

#include <cmath>

namespace latpred::samplers {

std::vector<float> unit_rows(const FeatureMatrix& x) {
  std::vector<float> out(x.x);
  for (int64_t i = 0; i < x.n; ++i) {
    double sq = 0.0;
    for (int64_t j = 0; j < x.d; ++j) sq += static_cast<double>(x.row(i)[j]) * x.row(i)[j];
    if (sq <= 0.0) continue;
    const double inv = 1.0 / std::sqrt(sq);
    for (int64_t j = 0; j < x.d; ++j) out[i * x.d + j] = static_cast<float>(x.row(i)[j] * inv);
  }
  return out;
}

std::vector<double> mean_cosine(const FeatureMatrix& x) {
  const std::vector<float> unit = unit_rows(x);
  std::vector<double> mean(x.d, 0.0);
  for (int64_t i = 0; i < x.n; ++i)
    for (int64_t j = 0; j < x.d; ++j) mean[j] += unit[i * x.d + j];
  for (double& m : mean) m /= static_cast<double>(x.n);
  std::vector<double> out(x.n, 0.0);
  for (int64_t i = 0; i < x.n; ++i)
    for (int64_t j = 0; j < x.d; ++j) out[i] += unit[i * x.d + j] * mean[j];
  return out;
}

}  // namespace latpred::samplers
