#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "latpred/metrics.hpp"

namespace {

// O(n^2) tau-b straight from the definition, to cross-check the O(n log n) implementation.
double naive_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  double concordant_minus_discordant = 0, untied_x = 0, untied_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx != 0) ++untied_x;
      if (dy != 0) ++untied_y;
      if (dx * dy > 0) ++concordant_minus_discordant;
      if (dx * dy < 0) --concordant_minus_discordant;
    }
  }
  return concordant_minus_discordant / std::sqrt(untied_x * untied_y);
}

}  // namespace

TEST_CASE("rank correlations with ties", "[metrics]") {
  SECTION("average ranks") {
    CHECK(latpred::average_ranks({3, 1, 2, 1}) == std::vector<double>{4, 1.5, 3, 1.5});
    CHECK(latpred::average_ranks({}).empty());
  }
  SECTION("hand-computed example with ties") {
    // x = [1,2,2,3] -> ranks [1, 2.5, 2.5, 4]; y = [1,3,2,2] -> ranks [1, 4, 2.5, 2.5]. Both mean 2.5.
    // Deviations dx = [-1.5, 0, 0, 1.5], dy = [-1.5, 1.5, 0, 0]: cov = 2.25, var = 4.5 each -> rho = 0.5.
    // Pairs: (0,1) (0,2) (0,3) concordant; (1,2) tied in x; (1,3) discordant; (2,3) tied in y.
    // tau_b = (3 - 1) / sqrt((6 - 1) * (6 - 1)) = 0.4.
    const std::vector<double> x = {1, 2, 2, 3}, y = {1, 3, 2, 2};
    CHECK(latpred::spearman(x, y) == Approx(0.5));
    CHECK(latpred::kendall_tau_b(x, y) == Approx(0.4));
    CHECK(latpred::kendall_tau_b(y, x) == Approx(0.4));
  }
  SECTION("joint ties are corrected") {
    // x = [1,1,2,2], y = [1,1,2,3]: (0,1) tied in both, (2,3) tied in x only, the other 4 pairs concordant.
    // n1 = 2 x-tied pairs, n2 = 1 y-tied pair: tau_b = 4 / sqrt((6 - 2) * (6 - 1)) = 4 / sqrt(20).
    CHECK(latpred::kendall_tau_b({1, 1, 2, 2}, {1, 1, 2, 3}) == Approx(4.0 / std::sqrt(20.0)));
  }
  SECTION("perfect and reversed orders") {
    const std::vector<double> x = {0.1, 0.5, 0.2, 0.9, 0.3};
    std::vector<double> reversed;
    for (double v : x) reversed.push_back(-2 * v);
    CHECK(latpred::spearman(x, x) == Approx(1.0));
    CHECK(latpred::kendall_tau_b(x, x) == Approx(1.0));
    CHECK(latpred::spearman(x, reversed) == Approx(-1.0));
    CHECK(latpred::kendall_tau_b(x, reversed) == Approx(-1.0));
    CHECK(latpred::pearson({1, 2, 3}, {2, 4, 6}) == Approx(1.0));
  }
  SECTION("undefined cases are NaN; length mismatches throw") {
    CHECK(std::isnan(latpred::spearman({1, 2, 3}, {5, 5, 5})));  // constant vector
    CHECK(std::isnan(latpred::kendall_tau_b({5, 5, 5}, {1, 2, 3})));
    CHECK(std::isnan(latpred::pearson({1, 1}, {1, 2})));
    CHECK(std::isnan(latpred::spearman({1}, {1})));
    CHECK(std::isnan(latpred::spearman({1, NAN, 3}, {1, 2, 3})));
    CHECK(std::isnan(latpred::kendall_tau_b({1, 2, 3}, {1, NAN, 3})));
    CHECK_THROWS_AS(latpred::spearman({1, 2}, {1, 2, 3}), std::invalid_argument);
    CHECK_THROWS_AS(latpred::kendall_tau_b({1, 2}, {1}), std::invalid_argument);
  }
  SECTION("O(n log n) Kendall equals the O(n^2) definition on random data with many ties") {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
      const int n = 50 + 40 * trial;
      std::uniform_int_distribution<int> coarse(0, 2 + trial);  // few distinct values -> many ties
      std::normal_distribution<double> noise(0.0, 1.0);
      std::vector<double> x(n), y(n);
      for (int i = 0; i < n; ++i) {
        x[i] = coarse(rng);
        y[i] = trial % 2 ? x[i] + noise(rng) : coarse(rng);
      }
      INFO("trial " << trial);
      CHECK(latpred::kendall_tau_b(x, y) == Approx(naive_tau_b(x, y)).margin(1e-12));
    }
  }
}

TEST_CASE("calibration and error metrics", "[metrics]") {
  SECTION("least-squares line") {
    const auto fit = latpred::fit_linear({0, 1, 2}, {1, 3, 5});
    CHECK(fit.slope == Approx(2.0));
    CHECK(fit.intercept == Approx(1.0));
    CHECK(fit.apply(10) == Approx(21.0));
    // Noisy points: slope = Sxy/Sxx = 5/2, intercept = 3 - 2.5 * 1 = 0.5 (x mean 1, y mean 3).
    const auto noisy = latpred::fit_linear({0, 1, 2, 1}, {1, 2, 6, 3});
    CHECK(noisy.slope == Approx(2.5));
    CHECK(noisy.intercept == Approx(0.5));
  }
  SECTION("constant scores predict the mean latency") {
    const auto fit = latpred::fit_linear({1, 1, 1}, {1, 2, 6});
    CHECK(fit.slope == 0.0);
    CHECK(fit.intercept == Approx(3.0));
    CHECK_THROWS_AS(latpred::fit_linear({}, {}), std::invalid_argument);
  }
  SECTION("MAPE and within-tolerance fraction") {
    CHECK(latpred::mape({110, 90}, {100, 100}) == Approx(10.0));
    CHECK(latpred::mape({1, 3}, {2, 2}) == Approx(50.0));
    CHECK(latpred::within_fraction({110, 90, 100}, {100, 100, 100}, 0.1) == Approx(1.0));
    CHECK(latpred::within_fraction({110, 90, 100}, {100, 100, 100}, 0.05) == Approx(1.0 / 3.0));
    CHECK(std::isnan(latpred::mape({}, {})));
    CHECK_THROWS_AS(latpred::mape({1}, {1, 2}), std::invalid_argument);
  }
  SECTION("top-k recall of the fastest archs") {
    // Fastest 2 by prediction {0,1}, by truth {1,0}: 1. Fastest 3: {0,1,2} vs {1,0,3}: 2/3.
    CHECK(latpred::topk_recall({1, 2, 3, 4}, {2, 1, 4, 3}, 2) == Approx(1.0));
    CHECK(latpred::topk_recall({1, 2, 3, 4}, {2, 1, 4, 3}, 3) == Approx(2.0 / 3.0));
    CHECK(latpred::topk_recall({4, 3, 2, 1}, {1, 2, 3, 4}, 1) == Approx(0.0));
    CHECK(latpred::topk_recall({1, 2}, {1, 2}, 10) == Approx(1.0));  // k is capped at n
    CHECK_THROWS_AS(latpred::topk_recall({1}, {1}, 0), std::invalid_argument);
  }
}
