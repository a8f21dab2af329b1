// Kernighan-Lin bisection and the greedy pruning of NASFLAT_METHOD §1.3 (steps 2-5), on plain matrices so they
// can be tested on hand-made graphs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>

#include "latpred/error.hpp"
#include "latpred/task_generator.hpp"

namespace latpred {
namespace {

// Gains below this are rounding noise of sums of at most N^2 correlations; they must not keep KL swapping.
constexpr double kMinGain = 1e-9;

void check_square_symmetric(const DenseMatrix& w, const char* what) {
  const std::size_t n = w.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (w[i].size() != n) {
      throw Error(std::string(what) + ": row " + std::to_string(i) + " has " + std::to_string(w[i].size()) +
                  " entries, expected " + std::to_string(n) + " (a square matrix)");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!std::isfinite(w[i][j]) || std::abs(w[i][j] - w[j][i]) > 1e-12) {
        throw Error(std::string(what) + ": entries (" + std::to_string(i) + "," + std::to_string(j) +
                    ") = " + std::to_string(w[i][j]) + " and (" + std::to_string(j) + "," + std::to_string(i) +
                    ") = " + std::to_string(w[j][i]) + "; expected a finite symmetric matrix");
      }
    }
  }
}

// D_v = (weight to the other side) - (weight to its own side), self-loop excluded.
std::vector<double> external_minus_internal(const DenseMatrix& w, const std::vector<int>& side) {
  const int n = static_cast<int>(w.size());
  std::vector<double> d(n, 0.0);
  for (int v = 0; v < n; ++v) {
    for (int u = 0; u < n; ++u) {
      if (u != v) d[v] += side[u] != side[v] ? w[v][u] : -w[v][u];
    }
  }
  return d;
}

// One KL pass from `side`; returns the side assignment after the best prefix of swaps and that prefix's gain.
std::pair<std::vector<int>, double> kl_pass(const DenseMatrix& w, const std::vector<int>& side) {
  const int n = static_cast<int>(w.size());
  std::vector<int> working = side;
  std::vector<char> locked(n, 0);
  std::vector<int> best_side = side;
  double total_gain = 0.0;
  double best_gain = 0.0;
  for (int step = 0; step < n / 2; ++step) {
    // Recomputed after every swap: N <= a few hundred devices, so O(N^2) per step is negligible.
    const std::vector<double> d = external_minus_internal(w, working);
    int best_a = -1, best_b = -1;
    double best_pair_gain = -std::numeric_limits<double>::infinity();
    for (int a = 0; a < n; ++a) {
      if (locked[a] || working[a] != 0) continue;
      for (int b = 0; b < n; ++b) {
        if (locked[b] || working[b] != 1) continue;
        const double gain = d[a] + d[b] - 2.0 * w[a][b];
        if (gain > best_pair_gain) {
          best_pair_gain = gain;
          best_a = a;
          best_b = b;
        }
      }
    }
    std::swap(working[best_a], working[best_b]);
    locked[best_a] = locked[best_b] = 1;
    total_gain += best_pair_gain;
    if (total_gain > best_gain + kMinGain) {
      best_gain = total_gain;
      best_side = working;
    }
  }
  return {best_side, best_gain};
}

// Fisher-Yates on raw engine output: mt19937_64's sequence is fixed by the standard, std::shuffle's and
// uniform_int_distribution's use of it is not, so this keeps seeds reproducible across standard libraries.
std::vector<int> shuffled_nodes(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  return order;
}

// Removes and returns the node of `side` with the largest summed rho to `other` (first in `side` order on ties).
int remove_most_correlated(const DenseMatrix& rho, std::vector<int>& side, const std::vector<int>& other) {
  std::size_t best = 0;
  double best_sum = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < side.size(); ++i) {
    double sum = 0.0;
    for (int o : other) sum += rho[side[i]][o];
    if (sum > best_sum) {
      best_sum = sum;
      best = i;
    }
  }
  const int node = side[best];
  side.erase(side.begin() + static_cast<std::ptrdiff_t>(best));
  return node;
}

}  // namespace

std::string to_string(PartitionSign sign) { return sign == PartitionSign::Published ? "published" : "min_cross"; }

PartitionSign parse_partition_sign(const std::string& text) {
  if (text == "published") return PartitionSign::Published;
  if (text == "min_cross") return PartitionSign::MinCross;
  throw ConfigError({}, "sign",
                    "unknown partition sign '" + text + "'. " + did_you_mean(text, {"published", "min_cross"}) +
                        "Expected 'published' (w = -rho, maximises train/test correlation as the NASFLAT code) or "
                        "'min_cross' (w = +rho, minimises it).");
}

double cut_weight(const DenseMatrix& weights, const Bisection& bisection) {
  double cut = 0.0;
  for (int a : bisection.first) {
    for (int b : bisection.second) cut += weights.at(a).at(b);
  }
  return cut;
}

Bisection kernighan_lin_bisection(const DenseMatrix& weights, uint64_t seed, int max_iter) {
  check_square_symmetric(weights, "Kernighan-Lin bisection");
  const int n = static_cast<int>(weights.size());
  if (n < 2) throw Error("Kernighan-Lin bisection: needs at least 2 nodes, got " + std::to_string(n));
  if (max_iter < 1) throw Error("Kernighan-Lin bisection: max_iter must be >= 1, got " + std::to_string(max_iter));

  const std::vector<int> order = shuffled_nodes(n, seed);
  std::vector<int> side(n, 1);
  for (int k = 0; k < n / 2; ++k) side[order[k]] = 0;

  for (int pass = 0; pass < max_iter; ++pass) {
    auto [next, gain] = kl_pass(weights, side);
    if (gain <= kMinGain) break;
    side = std::move(next);
  }

  Bisection result;
  for (int v = 0; v < n; ++v) (side[v] == 0 ? result.first : result.second).push_back(v);
  return result;
}

PrunedSplit prune_split(const DenseMatrix& rho, std::vector<int> left, std::vector<int> right, int m, int n) {
  if (m < 1 || n < 1) {
    throw Error("task partition: need at least 1 train and 1 test device, got m = " + std::to_string(m) +
                ", n = " + std::to_string(n));
  }
  if (m > static_cast<int>(left.size()) || n > static_cast<int>(right.size())) {
    throw Error("task partition: cannot keep m = " + std::to_string(m) + " train and n = " + std::to_string(n) +
                " test devices out of halves of " + std::to_string(left.size()) + " and " +
                std::to_string(right.size()) + " devices (pruning only removes devices)");
  }
  PrunedSplit split;
  while (static_cast<int>(left.size()) > m || static_cast<int>(right.size()) > n) {
    if (static_cast<int>(left.size()) > m) split.removed_train.push_back(remove_most_correlated(rho, left, right));
    if (static_cast<int>(right.size()) > n) split.removed_test.push_back(remove_most_correlated(rho, right, left));
  }
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  split.train = std::move(left);
  split.test = std::move(right);
  return split;
}

PrunedSplit partition_devices(const DenseMatrix& rho, int m, int n, uint64_t seed, PartitionSign sign, int max_iter) {
  check_square_symmetric(rho, "task partition");
  const int count = static_cast<int>(rho.size());
  if (m < 1 || n < 1 || m > count / 2 || n > count / 2) {
    throw Error("task partition: asked for " + std::to_string(m) + " train and " + std::to_string(n) +
                " test devices out of " + std::to_string(count) +
                "; each side is pruned from one Kernighan-Lin "
                "half, so both must be between 1 and floor(" +
                std::to_string(count) + "/2) = " + std::to_string(count / 2) +
                (m + n > count ? " (and m + n exceeds the number of devices)" : ""));
  }
  const double factor = sign == PartitionSign::Published ? -1.0 : 1.0;
  DenseMatrix weights = rho;
  for (auto& row : weights) {
    for (double& value : row) value *= factor;
  }
  Bisection halves = kernighan_lin_bisection(weights, seed, max_iter);
  // NASFLAT takes the colour class of the first inserted node as the train ("left") side.
  const bool zero_in_first = !halves.first.empty() && halves.first.front() == 0;
  if (!zero_in_first) std::swap(halves.first, halves.second);
  return prune_split(rho, std::move(halves.first), std::move(halves.second), m, n);
}

}  // namespace latpred
