// Automated task generation (NASFLAT_METHOD §1.3): KL bisection, greedy pruning, the TOML writer, and runs on the
// real NB201/FBNet device sets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "data_test_support.hpp"
#include "latpred/error.hpp"
#include "latpred/metrics.hpp"
#include "latpred/task_generator.hpp"

using latpred::Bisection;
using latpred::DenseMatrix;
using latpred::PartitionSign;

namespace {

// 8 devices in two interleaved cliques {0,2,4,6} and {1,3,5,7}: rho 0.9 inside a clique, 0.1 across.
DenseMatrix two_cliques() {
  DenseMatrix rho(8, std::vector<double>(8, 1.0));
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      if (i != j) rho[i][j] = (i % 2 == j % 2) ? 0.9 : 0.1;
    }
  }
  return rho;
}

DenseMatrix scaled(DenseMatrix m, double factor) {
  for (auto& row : m) {
    for (double& v : row) v *= factor;
  }
  return m;
}

DenseMatrix random_symmetric(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  DenseMatrix w(n, std::vector<double>(n, 1.0));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) w[i][j] = w[j][i] = uniform(rng);
  }
  return w;
}

// Smallest cut over all balanced bisections (first half = floor(N/2) nodes), by enumeration.
double brute_force_min_cut(const DenseMatrix& w) {
  const int n = static_cast<int>(w.size());
  double best = INFINITY;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != n / 2) continue;
    Bisection b;
    for (int v = 0; v < n; ++v) ((mask >> v) & 1u ? b.first : b.second).push_back(v);
    best = std::min(best, latpred::cut_weight(w, b));
  }
  return best;
}

int count_even(const std::vector<int>& nodes) {
  return static_cast<int>(std::count_if(nodes.begin(), nodes.end(), [](int v) { return v % 2 == 0; }));
}

}  // namespace

TEST_CASE("Kernighan-Lin bisection", "[task_generator]") {
  const DenseMatrix rho = two_cliques();

  SECTION("min_cross weights (+rho) find exactly the two cliques from every seed") {
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      INFO("seed " << seed);
      const Bisection b = latpred::kernighan_lin_bisection(rho, seed);
      const std::set<std::vector<int>> halves{b.first, b.second};
      CHECK(halves == std::set<std::vector<int>>{{0, 2, 4, 6}, {1, 3, 5, 7}});
      CHECK(latpred::cut_weight(rho, b) == Approx(brute_force_min_cut(rho)));
    }
  }
  SECTION("published weights (-rho) mix the cliques: 2 of each in each half") {
    const DenseMatrix weights = scaled(rho, -1.0);
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      INFO("seed " << seed);
      const Bisection b = latpred::kernighan_lin_bisection(weights, seed);
      REQUIRE(b.first.size() == 4);
      CHECK(count_even(b.first) == 2);
      CHECK(count_even(b.second) == 2);
      CHECK(latpred::cut_weight(weights, b) == Approx(brute_force_min_cut(weights)));
    }
  }
  SECTION("random graphs: balanced, a local optimum for single swaps, self-loops ignored, deterministic") {
    for (int n : {9, 12, 40}) {
      const DenseMatrix w = random_symmetric(n, 100 + n);
      for (uint64_t seed = 1; seed <= 5; ++seed) {
        INFO("n " << n << " seed " << seed);
        const Bisection b = latpred::kernighan_lin_bisection(w, seed, 100);
        REQUIRE(b.first.size() == static_cast<std::size_t>(n / 2));
        REQUIRE(b.second.size() == static_cast<std::size_t>(n - n / 2));
        const double cut = latpred::cut_weight(w, b);
        for (std::size_t i = 0; i < b.first.size(); ++i) {
          for (std::size_t j = 0; j < b.second.size(); ++j) {
            Bisection swapped = b;
            std::swap(swapped.first[i], swapped.second[j]);
            CHECK(latpred::cut_weight(w, swapped) >= cut - 1e-9);
          }
        }
        DenseMatrix other_diagonal = w;
        for (int v = 0; v < n; ++v) other_diagonal[v][v] = -5.0 * v;
        const Bisection same = latpred::kernighan_lin_bisection(other_diagonal, seed, 100);
        CHECK(same.first == b.first);
        const Bisection again = latpred::kernighan_lin_bisection(w, seed, 100);
        CHECK(again.first == b.first);
      }
    }
  }
  SECTION("bad matrices are rejected") {
    DenseMatrix asymmetric = rho;
    asymmetric[0][1] = 0.5;
    CHECK_THROWS_WITH(latpred::kernighan_lin_bisection(asymmetric, 1), Catch::Contains("symmetric"));
    DenseMatrix ragged = rho;
    ragged[3].pop_back();
    CHECK_THROWS_WITH(latpred::kernighan_lin_bisection(ragged, 1), Catch::Contains("row 3 has 7 entries"));
    CHECK_THROWS_AS(latpred::kernighan_lin_bisection(DenseMatrix{{1.0}}, 1), latpred::Error);
  }
}

TEST_CASE("greedy pruning and the whole partition", "[task_generator]") {
  SECTION("removal order of a hand-made example") {
    // Cross correlations (left rows 0..3, right columns 4, 5); in-side entries do not matter (set to 0):
    //        4    5    sum
    //   0  0.9  0.1   1.0
    //   1  0.2  0.3   0.5
    //   2  0.1  0.7   0.8
    //   3  0.5  0.2   0.7
    // m = 2, n = 1. Iteration 1: left > 2 -> remove 0 (sum 1.0). Right > 1, sums to left {1,2,3}:
    //   4: 0.2+0.1+0.5 = 0.8, 5: 0.3+0.7+0.2 = 1.2 -> remove 5.
    // Iteration 2: left > 2, sums to right {4}: 1: 0.2, 2: 0.1, 3: 0.5 -> remove 3 (the initial sums would have
    // removed 2: the sums must be recomputed). Pruning the right side first would have removed 4 (1.7 > 1.3).
    DenseMatrix rho(6, std::vector<double>(6, 0.0));
    const double cross[4][2] = {{0.9, 0.1}, {0.2, 0.3}, {0.1, 0.7}, {0.5, 0.2}};
    for (int l = 0; l < 4; ++l) {
      for (int r = 0; r < 2; ++r) rho[l][4 + r] = rho[4 + r][l] = cross[l][r];
    }
    const auto split = latpred::prune_split(rho, {0, 1, 2, 3}, {4, 5}, 2, 1);
    CHECK(split.removed_train == std::vector<int>{0, 3});
    CHECK(split.removed_test == std::vector<int>{5});
    CHECK(split.train == std::vector<int>{1, 2});
    CHECK(split.test == std::vector<int>{4});
  }
  SECTION("ties go to the node first in the given order") {
    const DenseMatrix rho = {{1.0, 0.0, 0.5}, {0.0, 1.0, 0.5}, {0.5, 0.5, 1.0}};
    CHECK(latpred::prune_split(rho, {0, 1}, {2}, 1, 1).removed_train == std::vector<int>{0});
    CHECK(latpred::prune_split(rho, {1, 0}, {2}, 1, 1).removed_train == std::vector<int>{1});
    CHECK_THROWS_WITH(latpred::prune_split(rho, {0}, {2}, 2, 1), Catch::Contains("cannot keep m = 2"));
  }
  SECTION("partition: the train side is the KL half holding the first device") {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      const auto clusters = latpred::partition_devices(two_cliques(), 4, 4, seed, PartitionSign::MinCross);
      CHECK(clusters.train == std::vector<int>{0, 2, 4, 6});
      CHECK(clusters.test == std::vector<int>{1, 3, 5, 7});
      const auto pruned = latpred::partition_devices(two_cliques(), 3, 2, seed, PartitionSign::MinCross);
      CHECK(pruned.train.size() == 3);
      CHECK(count_even(pruned.train) == 3);
      CHECK(count_even(pruned.test) == 0);
    }
  }
  SECTION("determinism under seed, and impossible sizes") {
    const DenseMatrix rho = random_symmetric(20, 7);
    const auto a = latpred::partition_devices(rho, 5, 3, 42, PartitionSign::Published);
    const auto b = latpred::partition_devices(rho, 5, 3, 42, PartitionSign::Published);
    CHECK(a.train == b.train);
    CHECK(a.test == b.test);
    CHECK_THROWS_WITH(latpred::partition_devices(rho, 15, 10, 1, PartitionSign::Published),
                      Catch::Contains("m + n exceeds the number of devices"));
    CHECK_THROWS_WITH(latpred::partition_devices(rho, 11, 2, 1, PartitionSign::Published),
                      Catch::Contains("floor(20/2) = 10"));
    CHECK_THROWS_AS(latpred::partition_devices(rho, 0, 2, 1, PartitionSign::Published), latpred::Error);
  }
  SECTION("sign names") {
    CHECK(latpred::parse_partition_sign("min_cross") == PartitionSign::MinCross);
    CHECK(latpred::to_string(latpred::parse_partition_sign("published")) == "published");
    CHECK_THROWS_WITH(latpred::parse_partition_sign("min-cross"), Catch::Contains("did you mean 'min_cross'"));
  }
}

TEST_CASE("task TOML writer round trip", "[task_generator]") {
  latpred::Task task;
  task.name = "G1";
  task.space = "fbnet";
  task.train = {"1080ti_1", "pixel2"};
  task.test = {"eyeriss"};
  task.description = "GPU,mCPU -> ASIC (a \"quoted\" \\ note)";
  const std::string text = latpred::task_to_toml(task, "Generated for a test.\nSecond line.");
  CHECK(text.rfind("# Generated for a test.\n# Second line.\n[task]\nname = \"G1\"\n", 0) == 0);
  latpred_test::TempFile file("G1.toml", text);
  const latpred::Task back = latpred::load_task_file(file.path());
  CHECK(back.name == task.name);
  CHECK(back.space == task.space);
  CHECK(back.train == task.train);
  CHECK(back.test == task.test);
  CHECK(back.description == task.description);
}

TEST_CASE("generated tasks on the real NB201 and FBNet device sets", "[task_generator][data]") {
  if (!latpred_test::shared_data_dir()) {
    WARN("SKIPPED: shared data not found (set LATPRED_SHARED_DATA)");
    return;
  }
  const auto nb201 = latpred_test::shared_dataset("nb201");
  REQUIRE(nb201->num_devices() == 40);

  SECTION("Spearman matrix: symmetric, unit diagonal, pairs over commonly measured archs") {
    const std::vector<std::string> devices = {"1080ti_1", "pixel2", "embedded_tpu_edge_tpu_int8", "eyeriss"};
    const DenseMatrix rho = latpred::spearman_matrix(*nb201, devices);
    for (std::size_t i = 0; i < devices.size(); ++i) {
      CHECK(rho[i][i] == 1.0);
      for (std::size_t j = 0; j < devices.size(); ++j) CHECK(rho[i][j] == rho[j][i]);
    }
    // Direct recomputation for a HELP device against an Eagle device (which misses some archs).
    const int gpu = nb201->device_index("1080ti_1"), tpu = nb201->device_index("embedded_tpu_edge_tpu_int8");
    REQUIRE(nb201->num_missing(tpu) > 0);
    std::vector<double> a, b;
    for (int64_t arch : nb201->measured_archs(tpu)) {
      a.push_back(nb201->latency_ms(gpu)[arch]);
      b.push_back(nb201->latency_ms(tpu)[arch]);
    }
    CHECK(rho[0][2] == Approx(latpred::spearman(a, b)).margin(1e-12));
    CHECK_THROWS_WITH(latpred::spearman_matrix(*nb201, {"1080ti_1", "1080ti_1"}), Catch::Contains("listed twice"));
    CHECK_THROWS_WITH(latpred::spearman_matrix(*nb201, {"1080ti_1", "1080ti_2"}), Catch::Contains("1080ti_1"));
  }
  SECTION("10 train / 3 test out of the 40 NB201 devices, both signs") {
    for (const PartitionSign sign : {PartitionSign::Published, PartitionSign::MinCross}) {
      INFO("sign " << latpred::to_string(sign));
      const auto generated = latpred::generate_task(*nb201, {}, 10, 3, 1, sign, "G");
      const latpred::Task& task = generated.task;
      CHECK(task.space == "nb201");
      REQUIRE(task.train.size() == 10);
      REQUIRE(task.test.size() == 3);
      std::set<std::string> all(task.train.begin(), task.train.end());
      all.insert(task.test.begin(), task.test.end());
      CHECK(all.size() == 13);
      for (const auto& name : all) CHECK(nb201->has_device(name));
      // The statistics agree with a fresh computation over the task's devices.
      const auto cross = latpred::cross_correlation(*nb201, task);
      CHECK(generated.cross.mean == Approx(cross.mean).margin(1e-12));
      CHECK(cross.min <= cross.mean);
      CHECK(cross.mean <= cross.max);
      CHECK(cross.mean_best_per_test >= cross.mean);
      const auto again = latpred::generate_task(*nb201, {}, 10, 3, 1, sign, "G");
      CHECK(again.task.train == task.train);
      CHECK(again.task.test == task.test);
    }
    CHECK_THROWS_WITH(latpred::generate_task(*nb201, {"1080ti_1", "pixel2", "eyeriss"}, 2, 2, 1),
                      Catch::Contains("m + n exceeds"));
  }
  SECTION("FBNet: a device subset") {
    const auto fbnet = latpred_test::shared_dataset("fbnet");
    const std::vector<std::string> devices = {"1080ti_1", "2080ti_32", "titan_rtx_64", "pixel2",   "samsung_s7",
                                              "eyeriss",  "fpga",      "raspi4",       "gold_6226"};
    const auto generated = latpred::generate_task(*fbnet, devices, 3, 2, 3, PartitionSign::MinCross);
    CHECK(generated.task.train.size() == 3);
    CHECK(generated.task.test.size() == 2);
    // All come from the given subset.
    for (const auto& name : generated.task.train) CHECK(std::count(devices.begin(), devices.end(), name) == 1);
    for (const auto& name : generated.task.test) CHECK(std::count(devices.begin(), devices.end(), name) == 1);
  }
}
