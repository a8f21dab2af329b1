// Automated task generation (NASFLAT_METHOD §1.3): Spearman matrix between device latency vectors ->
// Kernighan-Lin bisection of the weighted complete graph -> greedy pruning to m train / n test devices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"
#include "latpred/task.hpp"

namespace latpred {

using DenseMatrix = std::vector<std::vector<double>>;

// Pairwise Spearman rho (average ranks on ties) between the latency vectors of `devices`, each pair over the
// architectures measured on both. Row/column order = `devices`; the diagonal is 1. Throws Error for an unknown
// or repeated device, or a pair with no rank order (fewer than 2 common archs, or a constant device).
LATPRED_API DenseMatrix spearman_matrix(const Dataset& dataset, const std::vector<std::string>& devices);

// Which way the Kernighan-Lin step pushes the cross-half correlation.
enum class PartitionSign {
  Published,  // w_ij = -rho_ij, as the NASFLAT code: minimising the cut MAXIMISES cross-half correlation.
  MinCross,   // w_ij = +rho_ij: minimising the cut minimises cross-half correlation (halves = device clusters).
};
LATPRED_API std::string to_string(PartitionSign sign);  // "published" | "min_cross"
// Parses "published" | "min_cross"; throws ConfigError naming the valid values.
LATPRED_API PartitionSign parse_partition_sign(const std::string& text);

// Two halves of a graph's nodes, each in ascending node order; |first| = floor(N/2), |second| = ceil(N/2).
struct Bisection {
  std::vector<int> first;
  std::vector<int> second;
};

// Sum of w_ij over pairs split by the bisection (self-loops never cross the cut).
LATPRED_API double cut_weight(const DenseMatrix& weights, const Bisection& bisection);

// Kernighan-Lin bisection of the complete graph with symmetric `weights` (the diagonal is ignored), minimising
// the cut weight. Starts from a random balanced split drawn with std::mt19937_64(seed). Each pass swaps every
// node once, always taking the unlocked pair (a, b) of largest gain D_a + D_b - 2 w_ab (gains updated after each
// swap; ties -> lowest indices), then keeps the prefix of swaps of largest positive total gain. Stops after a
// pass without positive gain or after `max_iter` passes. Throws Error for a non-square/asymmetric matrix or N < 2.
LATPRED_API Bisection kernighan_lin_bisection(const DenseMatrix& weights, uint64_t seed, int max_iter = 10);

struct PrunedSplit {
  std::vector<int> train;          // ascending
  std::vector<int> test;           // ascending
  std::vector<int> removed_train;  // in removal order
  std::vector<int> removed_test;   // in removal order
};

// Greedy pruning of NASFLAT_METHOD §1.3 step 5 on the correlation matrix `rho`: while |left| > m or |right| > n,
// first (if |left| > m) remove the left node with the largest summed rho to the current right side, then (if
// |right| > n) the right node with the largest summed rho to the current left side. Ties go to the node that
// comes first in `left`/`right` order. Throws Error if m > |left| or n > |right| or m, n < 1.
LATPRED_API PrunedSplit prune_split(const DenseMatrix& rho, std::vector<int> left, std::vector<int> right, int m,
                                    int n);

// The whole partition on a correlation matrix: KL on w = ±rho, left = the half holding node 0, then pruning.
// Throws Error unless 1 <= m, n <= floor(N/2) (each side comes out of one KL half; hence also m + n <= N).
LATPRED_API PrunedSplit partition_devices(const DenseMatrix& rho, int m, int n, uint64_t seed, PartitionSign sign,
                                          int max_iter = 10);

// How correlated the train and test devices of a task are: Spearman over train x test pairs.
struct CrossCorrelation {
  DenseMatrix rho;    // [train][test]
  double mean = 0.0;  // over all train x test pairs
  double min = 0.0;
  double max = 0.0;
  std::vector<double> best_per_test;  // per test device: max rho to any train device
  double mean_best_per_test = 0.0;
};
LATPRED_API CrossCorrelation cross_correlation(const Dataset& dataset, const Task& task);

struct GeneratedTask {
  Task task;
  CrossCorrelation cross;
};

// Generates a task with m train and n test devices out of `devices` (all devices of the dataset when empty),
// named `name` ("generated" when empty). The description lists the device types and the generation settings.
LATPRED_API GeneratedTask generate_task(const Dataset& dataset, std::vector<std::string> devices, int m, int n,
                                        uint64_t seed, PartitionSign sign = PartitionSign::Published,
                                        const std::string& name = "");

// A task file in the format of pipelines/tasks/*.toml: `# comment` lines (one per line of `comment`, none when
// empty), then a [task] table with name, space, description, train, test. load_task_file reads it back.
LATPRED_API std::string task_to_toml(const Task& task, const std::string& comment = "");

}  // namespace latpred
