#include "kmeans.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace latpred::samplers {

double squared_distance(const float* row, const double* center, int64_t d) {
  // Four independent sums: the loop is then bound by throughput, not by the latency of one chain of additions.
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  int64_t j = 0;
  for (; j + 4 <= d; j += 4)
    for (int t = 0; t < 4; ++t) {
      const double diff = static_cast<double>(row[j + t]) - center[j + t];
      s[t] += diff * diff;
    }
  for (; j < d; ++j) {
    const double diff = static_cast<double>(row[j]) - center[j];
    s[0] += diff * diff;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One k-means run with Hamerly's bounds: per point an upper bound on the distance to its centre and a lower bound
// on the distance to every other centre; a point is only re-examined when the bounds no longer prove its label.
class Lloyd {
 public:
  Lloyd(const FeatureMatrix& x, int64_t k)
      : x_(x), k_(k), centers_(k * x.d), transposed_(x.d * k), label_(x.n, 0), upper_(x.n, kInf), lower_(x.n, 0.0) {
    features_ = at::from_blob(const_cast<float*>(x.x.data()), {x.n, x.d}, at::kFloat);  // a view, never written
    row_sq_.resize(x.n);
    for (int64_t i = 0; i < x.n; ++i) {
      double sq = 0.0;
      for (int64_t j = 0; j < x.d; ++j) sq += static_cast<double>(x.row(i)[j]) * x.row(i)[j];
      row_sq_[i] = sq;
    }
  }

  void init_plus_plus(std::mt19937_64& rng) {
    const int64_t n = x_.n, d = x_.d;
    std::vector<char> chosen(n, 0);
    std::vector<double> closest(n, kInf);
    int64_t next = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
    for (int64_t c = 0; c < k_; ++c) {
      chosen[next] = 1;
      std::copy(x_.row(next), x_.row(next) + d, centers_.begin() + c * d);
      // |x|^2 - 2 x.c + |c|^2 for all rows with one matrix-vector product.
      at::Tensor center = at::empty({d}, at::kFloat);
      double center_sq = 0.0;
      for (int64_t j = 0; j < d; ++j) {
        center.data_ptr<float>()[j] = x_.row(next)[j];
        center_sq += static_cast<double>(x_.row(next)[j]) * x_.row(next)[j];
      }
      const at::Tensor dot = at::mv(features_, center);
      const float* g = dot.data_ptr<float>();
      double total = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        closest[i] = std::min(closest[i], std::max(0.0, row_sq_[i] - 2.0 * g[i] + center_sq));
        total += closest[i];
      }
      if (c + 1 == k_) break;
      next = draw(closest, total, chosen, rng);
    }
  }

  // Lloyd iterations from the current centres; returns the number of iterations.
  int64_t run(int64_t max_iter, double tol) {
    assign_all();
    int64_t iter = 0;
    while (iter < max_iter) {
      ++iter;
      const double shift = update_centers();
      if (shift <= tol) break;
      if (reassign() == 0) break;
    }
    return iter;
  }

  // Exact final labels and inertia for the current centres.
  double finish() {
    all_distances();
    double inertia = 0.0;
    for (int64_t i = 0; i < x_.n; ++i) {
      pick_two(&all_[i * k_]);
      label_[i] = best_;
      inertia += best_sq_;
    }
    return inertia;
  }

  std::vector<int64_t>& label() { return label_; }
  std::vector<double>& centers() { return centers_; }

 private:
  // A D^2-weighted draw; uniform among the unchosen rows when every row sits on a centre already.
  int64_t draw(const std::vector<double>& weight, double total, const std::vector<char>& chosen,
               std::mt19937_64& rng) const {
    if (total > 0.0) {
      const double r = std::uniform_real_distribution<double>(0.0, total)(rng);
      double cumulative = 0.0;
      int64_t last_positive = -1;
      for (int64_t i = 0; i < x_.n; ++i) {
        if (weight[i] <= 0.0) continue;
        last_positive = i;
        cumulative += weight[i];
        if (cumulative > r) return i;
      }
      return last_positive;  // rounding left r beyond the sum
    }
    std::vector<int64_t> free;
    for (int64_t i = 0; i < x_.n; ++i)
      if (!chosen[i]) free.push_back(i);
    return free[std::uniform_int_distribution<std::size_t>(0, free.size() - 1)(rng)];
  }

  void transpose_centers() {
    for (int64_t c = 0; c < k_; ++c)
      for (int64_t j = 0; j < x_.d; ++j) transposed_[j * k_ + c] = centers_[c * x_.d + j];
  }

  // Squared distances of row i to all centres (centre index innermost, so the loop vectorises); sets best_/second_.
  void nearest_two(int64_t i) {
    dist_.assign(k_, 0.0);
    double* __restrict dist = dist_.data();
    const float* row = x_.row(i);
    for (int64_t j = 0; j < x_.d; ++j) {
      const double v = row[j];
      const double* __restrict t = &transposed_[j * k_];
      for (int64_t c = 0; c < k_; ++c) {
        const double diff = v - t[c];
        dist[c] += diff * diff;
      }
    }
    pick_two(dist);
  }

  // Squared distances of every row to every centre, all_[i * k + c], as |x|^2 - 2 x.c + |c|^2 with one matrix
  // product (how scikit-learn computes them): the full passes cost a GEMM instead of n x k distance loops.
  void all_distances() {
    const int64_t n = x_.n, d = x_.d;
    at::Tensor centers = at::empty({k_, d}, at::kFloat);
    std::vector<double> center_sq(k_, 0.0);
    float* cp = centers.data_ptr<float>();
    for (int64_t e = 0; e < k_ * d; ++e) {
      cp[e] = static_cast<float>(centers_[e]);
      center_sq[e / d] += centers_[e] * centers_[e];
    }
    const at::Tensor dot = at::mm(features_, centers.t()).contiguous();
    const float* g = dot.data_ptr<float>();
    all_.resize(n * k_);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t c = 0; c < k_; ++c)
        all_[i * k_ + c] = std::max(0.0, row_sq_[i] - 2.0 * g[i * k_ + c] + center_sq[c]);
  }

  // The nearest and second-nearest of k squared distances (ties to the lower centre index).
  void pick_two(const double* dist) {
    best_ = 0;
    best_sq_ = dist[0];
    second_sq_ = kInf;
    for (int64_t c = 1; c < k_; ++c) {
      if (dist[c] < best_sq_) {
        second_sq_ = best_sq_;
        best_sq_ = dist[c];
        best_ = c;
      } else if (dist[c] < second_sq_) {
        second_sq_ = dist[c];
      }
    }
  }

  bool full_update(int64_t i) {
    nearest_two(i);
    return set_bounds(i);
  }

  bool set_bounds(int64_t i) {
    const bool changed = label_[i] != best_;
    label_[i] = best_;
    upper_[i] = std::sqrt(best_sq_);
    lower_[i] = std::sqrt(second_sq_);
    return changed;
  }

  void assign_all() {
    transpose_centers();
    all_distances();
    for (int64_t i = 0; i < x_.n; ++i) {
      pick_two(&all_[i * k_]);
      set_bounds(i);
    }
  }

  // Recomputes the centres from the labels, moves empty clusters, shifts the bounds; returns the total squared shift.
  double update_centers() {
    const int64_t n = x_.n, d = x_.d;
    std::vector<double> sums(k_ * d, 0.0);
    std::vector<int64_t> count(k_, 0);
    for (int64_t i = 0; i < n; ++i) {
      ++count[label_[i]];
      const float* row = x_.row(i);
      double* s = &sums[label_[i] * d];
      for (int64_t j = 0; j < d; ++j) s[j] += row[j];
    }
    bool relocated = false;
    for (int64_t c = 0; c < k_; ++c) {
      if (count[c] > 0) continue;
      // The point farthest from its centre (among clusters of more than one point) becomes this cluster.
      int64_t far = -1;
      double far_sq = -1.0;
      for (int64_t i = 0; i < n; ++i) {
        if (count[label_[i]] < 2) continue;
        const double sq = squared_distance(x_.row(i), &centers_[label_[i] * d], d);
        if (sq > far_sq) far_sq = sq, far = i;
      }
      if (far < 0) break;  // cannot happen while k <= n
      double* from = &sums[label_[far] * d];
      for (int64_t j = 0; j < d; ++j) from[j] -= x_.row(far)[j];
      --count[label_[far]];
      label_[far] = c;
      count[c] = 1;
      for (int64_t j = 0; j < d; ++j) sums[c * d + j] = x_.row(far)[j];
      relocated = true;
    }
    std::vector<double> moved(k_, 0.0);
    double total = 0.0;
    for (int64_t c = 0; c < k_; ++c) {
      double sq = 0.0;
      for (int64_t j = 0; j < d; ++j) {
        const double mean = sums[c * d + j] / static_cast<double>(count[c]);
        const double diff = mean - centers_[c * d + j];
        sq += diff * diff;
        centers_[c * d + j] = mean;
      }
      moved[c] = std::sqrt(sq);
      total += sq;
    }
    transpose_centers();
    if (relocated) {
      // Bounds no longer hold for the moved points: examine every point afresh.
      std::fill(upper_.begin(), upper_.end(), kInf);
      std::fill(lower_.begin(), lower_.end(), 0.0);
      return total;
    }
    int64_t most = 0;
    for (int64_t c = 1; c < k_; ++c)
      if (moved[c] > moved[most]) most = c;
    double runner_up = 0.0;
    for (int64_t c = 0; c < k_; ++c)
      if (c != most) runner_up = std::max(runner_up, moved[c]);
    for (int64_t i = 0; i < n; ++i) {
      upper_[i] += moved[label_[i]];
      lower_[i] -= label_[i] == most ? runner_up : moved[most];
    }
    return total;
  }

  // Hamerly's assignment step; returns how many labels changed.
  int64_t reassign() {
    const int64_t d = x_.d;
    // half_gap[c]: half the distance from centre c to its nearest other centre.
    std::vector<double> half_gap(k_, kInf);
    for (int64_t a = 0; a < k_; ++a)
      for (int64_t b = a + 1; b < k_; ++b) {
        double sq = 0.0;
        for (int64_t j = 0; j < d; ++j) {
          const double diff = centers_[a * d + j] - centers_[b * d + j];
          sq += diff * diff;
        }
        const double half = 0.5 * std::sqrt(sq);
        half_gap[a] = std::min(half_gap[a], half);
        half_gap[b] = std::min(half_gap[b], half);
      }
    std::vector<int64_t> todo;  // points whose bounds no longer prove their label
    for (int64_t i = 0; i < x_.n; ++i) {
      const double bound = std::max(half_gap[label_[i]], lower_[i]);
      if (upper_[i] <= bound) continue;
      upper_[i] = std::sqrt(squared_distance(x_.row(i), &centers_[label_[i] * d], d));
      if (upper_[i] <= bound) continue;
      todo.push_back(i);
    }
    // Many points to re-examine (the first iterations): one matrix product beats per-point loops.
    const bool batch = static_cast<int64_t>(todo.size()) * 8 > x_.n;
    if (batch) all_distances();
    int64_t changed = 0;
    for (int64_t i : todo) {
      if (batch)
        pick_two(&all_[i * k_]);
      else
        nearest_two(i);
      if (set_bounds(i)) ++changed;
    }
    return changed;
  }

  const FeatureMatrix& x_;
  int64_t k_;
  std::vector<double> centers_, transposed_;
  std::vector<int64_t> label_;
  std::vector<double> upper_, lower_;
  std::vector<double> dist_, all_, row_sq_;
  at::Tensor features_;
  int64_t best_ = 0;
  double best_sq_ = 0.0, second_sq_ = 0.0;
};

// scikit-learn's tolerance: tol times the mean per-feature variance of the data.
double absolute_tolerance(const FeatureMatrix& x, double tol) {
  if (x.n == 0 || x.d == 0) return 0.0;
  std::vector<double> mean(x.d, 0.0), sq(x.d, 0.0);
  for (int64_t i = 0; i < x.n; ++i)
    for (int64_t j = 0; j < x.d; ++j) mean[j] += x.row(i)[j];
  for (double& m : mean) m /= static_cast<double>(x.n);
  for (int64_t i = 0; i < x.n; ++i)
    for (int64_t j = 0; j < x.d; ++j) sq[j] += (x.row(i)[j] - mean[j]) * (x.row(i)[j] - mean[j]);
  double variance_sum = 0.0;
  for (double v : sq) variance_sum += v / static_cast<double>(x.n);
  return tol * variance_sum / static_cast<double>(x.d);
}

}  // namespace

KMeansResult kmeans(const FeatureMatrix& x, const KMeansOptions& options, uint64_t seed) {
  if (options.k < 1 || options.k > x.n)
    throw Error("k-means: cannot form " + std::to_string(options.k) + " clusters from " + std::to_string(x.n) +
                " points");
  std::mt19937_64 rng(seed);
  const double tol = absolute_tolerance(x, options.tol);
  KMeansResult best;
  best.inertia = kInf;
  for (int64_t run = 0; run < std::max<int64_t>(1, options.n_init); ++run) {
    Lloyd lloyd(x, options.k);
    lloyd.init_plus_plus(rng);
    const int64_t iterations = lloyd.run(options.max_iter, tol);
    const double inertia = lloyd.finish();
    if (inertia < best.inertia) {
      best.inertia = inertia;
      best.iterations = iterations;
      best.label = std::move(lloyd.label());
      best.centers = std::move(lloyd.centers());
    }
  }
  return best;
}

}  // namespace latpred::samplers
