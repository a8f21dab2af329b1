// Evaluation metrics. Conventions (tested in tests/test_metrics.cpp):
// - Inputs of different lengths are a programming error: std::invalid_argument.
// - A NaN anywhere in the inputs makes the result NaN (callers drop unmeasured archs before, never impute).
// - Correlations are NaN when undefined (fewer than 2 points, or a constant input), as in scipy.
#include "latpred/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace latpred {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_same_size(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  if (a.size() != b.size()) {
    throw std::invalid_argument(std::string(what) + ": inputs differ in length (" + std::to_string(a.size()) + " vs " +
                                std::to_string(b.size()) + ")");
  }
}

bool any_nan(const std::vector<double>& x) {
  return std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
}

// Number of pairs inside runs of equal values of a sorted sequence: sum over runs of t*(t-1)/2.
template <typename Equal>
int64_t tied_pairs(std::size_t n, Equal equal) {
  int64_t pairs = 0;
  std::size_t run = 1;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i < n && equal(i - 1, i)) {
      ++run;
    } else {
      pairs += static_cast<int64_t>(run) * static_cast<int64_t>(run - 1) / 2;
      run = 1;
    }
  }
  return pairs;
}

// Sorts `v` ascending by merge sort and returns the number of strictly inverted pairs (ties are not inversions).
int64_t count_inversions(std::vector<double>& v) {
  std::vector<double> buffer(v.size());
  int64_t swaps = 0;
  for (std::size_t width = 1; width < v.size(); width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, v.size());
      const std::size_t hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          swaps += static_cast<int64_t>(mid - i);
          buffer[k++] = v[j++];
        } else {
          buffer[k++] = v[i++];
        }
      }
      while (i < mid) buffer[k++] = v[i++];
      while (j < hi) buffer[k++] = v[j++];
    }
    v.swap(buffer);
  }
  return swaps;
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x[i] < x[j]; });
  std::vector<double> ranks(x.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && x[order[end]] == x[order[start]]) ++end;
    const double rank = (static_cast<double>(start) + static_cast<double>(end - 1)) / 2.0 + 1.0;
    for (std::size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  require_same_size(a, b, "pearson");
  const std::size_t n = a.size();
  if (n < 2 || any_nan(a) || any_nan(b)) return kNaN;
  const double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(n);
  const double mean_b = std::accumulate(b.begin(), b.end(), 0.0) / static_cast<double>(n);
  double cov = 0.0, var_a = 0.0, var_b = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = a[i] - mean_a;
    const double db = b[i] - mean_b;
    cov += da * db;
    var_a += da * da;
    var_b += db * db;
  }
  if (var_a == 0.0 || var_b == 0.0) return kNaN;
  return std::clamp(cov / std::sqrt(var_a * var_b), -1.0, 1.0);
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  require_same_size(a, b, "spearman");
  if (a.size() < 2 || any_nan(a) || any_nan(b)) return kNaN;
  return pearson(average_ranks(a), average_ranks(b));
}

// Knight's algorithm: sort by (a, b); count a-ties and joint ties on the sorted order, then merge-sort b counting
// discordant pairs, and count b-ties on the result. tau_b = (P - Q) / sqrt((n0 - n1)(n0 - n2)).
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b) {
  require_same_size(a, b, "kendall_tau_b");
  const std::size_t n = a.size();
  if (n < 2 || any_nan(a) || any_nan(b)) return kNaN;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return a[i] < a[j] || (a[i] == a[j] && b[i] < b[j]); });
  std::vector<double> sorted_b(n);
  for (std::size_t k = 0; k < n; ++k) sorted_b[k] = b[order[k]];

  const int64_t ties_a = tied_pairs(n, [&](std::size_t i, std::size_t j) { return a[order[i]] == a[order[j]]; });
  const int64_t ties_ab = tied_pairs(
      n, [&](std::size_t i, std::size_t j) { return a[order[i]] == a[order[j]] && b[order[i]] == b[order[j]]; });
  const int64_t discordant = count_inversions(sorted_b);
  const int64_t ties_b = tied_pairs(n, [&](std::size_t i, std::size_t j) { return sorted_b[i] == sorted_b[j]; });

  const int64_t total = static_cast<int64_t>(n) * static_cast<int64_t>(n - 1) / 2;
  if (total == ties_a || total == ties_b) return kNaN;
  // Concordant - discordant = total - ties_a - ties_b + ties_ab - 2 * discordant.
  const double numerator = static_cast<double>(total - ties_a - ties_b + ties_ab - 2 * discordant);
  const double denominator =
      std::sqrt(static_cast<double>(total - ties_a)) * std::sqrt(static_cast<double>(total - ties_b));
  return std::clamp(numerator / denominator, -1.0, 1.0);
}

LinearCalibration fit_linear(const std::vector<double>& scores, const std::vector<double>& latency) {
  require_same_size(scores, latency, "fit_linear");
  if (scores.empty()) throw std::invalid_argument("fit_linear: no points to fit");
  const double n = static_cast<double>(scores.size());
  const double mean_x = std::accumulate(scores.begin(), scores.end(), 0.0) / n;
  const double mean_y = std::accumulate(latency.begin(), latency.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    sxy += (scores[i] - mean_x) * (latency[i] - mean_y);
    sxx += (scores[i] - mean_x) * (scores[i] - mean_x);
  }
  LinearCalibration fit;
  // Constant scores carry no scale information: predict the mean latency.
  fit.slope = sxx > 0.0 ? sxy / sxx : 0.0;
  fit.intercept = mean_y - fit.slope * mean_x;
  return fit;
}

double mape(const std::vector<double>& predicted, const std::vector<double>& truth) {
  require_same_size(predicted, truth, "mape");
  if (predicted.empty()) return kNaN;
  double sum = 0.0;
  for (std::size_t i = 0; i < truth.size(); ++i) sum += std::abs(predicted[i] - truth[i]) / std::abs(truth[i]);
  return 100.0 * sum / static_cast<double>(truth.size());
}

double within_fraction(const std::vector<double>& predicted, const std::vector<double>& truth, double tolerance) {
  require_same_size(predicted, truth, "within_fraction");
  if (predicted.empty() || any_nan(predicted) || any_nan(truth)) return kNaN;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (std::abs(predicted[i] - truth[i]) <= tolerance * std::abs(truth[i])) ++hits;
  }
  return static_cast<double>(hits) / static_cast<double>(truth.size());
}

double topk_recall(const std::vector<double>& predicted, const std::vector<double>& truth, int64_t k) {
  require_same_size(predicted, truth, "topk_recall");
  if (k <= 0) throw std::invalid_argument("topk_recall: k must be positive, got " + std::to_string(k));
  if (predicted.empty() || any_nan(predicted) || any_nan(truth)) return kNaN;
  const std::size_t top = std::min(static_cast<std::size_t>(k), truth.size());
  // Ties are broken by index so the result is deterministic.
  const auto fastest = [&](const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::partial_sort(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
        [&](std::size_t i, std::size_t j) { return values[i] < values[j] || (values[i] == values[j] && i < j); });
    order.resize(top);
    std::sort(order.begin(), order.end());
    return order;
  };
  const auto by_prediction = fastest(predicted);
  const auto by_truth = fastest(truth);
  std::vector<std::size_t> common;
  std::set_intersection(by_prediction.begin(), by_prediction.end(), by_truth.begin(), by_truth.end(),
                        std::back_inserter(common));
  return static_cast<double>(common.size()) / static_cast<double>(top);
}

}  // namespace latpred
