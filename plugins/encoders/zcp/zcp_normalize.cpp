#include "zcp_normalize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace latpred_zcp {

Transform transform_of(const std::string& proxy) {
  static const std::vector<std::string> kLog = {"fisher", "flops", "grad_norm", "params", "snip", "synflow"};
  if (std::find(kLog.begin(), kLog.end(), proxy) != kLog.end()) return Transform::kLogMinMax;
  if (proxy == "grasp") return Transform::kZScore;
  return Transform::kMinMax;
}

NormalizeStats normalize(std::vector<double>& values, Transform transform) {
  NormalizeStats stats;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0;
  int64_t finite = 0;
  for (double& v : values) {
    if (!std::isfinite(v)) {
      v = std::numeric_limits<double>::quiet_NaN();
      ++stats.undefined;
      continue;
    }
    if (transform == Transform::kLogMinMax) {
      if (v < 0.0) ++stats.negative_log;
      v = v < 0.0 ? -std::log1p(-v) : std::log1p(v);
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    ++finite;
  }
  if (finite == 0) throw std::invalid_argument("no finite value");
  double shift = lo, scale = hi - lo;
  if (transform == Transform::kZScore) {
    shift = sum / static_cast<double>(finite);
    double squares = 0.0;
    for (double v : values)
      if (!std::isnan(v)) squares += (v - shift) * (v - shift);
    scale = std::sqrt(squares / static_cast<double>(finite));
  }
  double smallest = std::numeric_limits<double>::infinity();
  for (double& v : values) {
    if (std::isnan(v)) continue;
    v = scale > 0.0 ? (v - shift) / scale : 0.0;
    smallest = std::min(smallest, v);
  }
  for (double& v : values)
    if (std::isnan(v)) v = smallest;
  return stats;
}

}  // namespace latpred_zcp
