// Analytic cost of the networks latpred builds for a search space (framework/src/network_nb201.cpp and
// network_fbnet.cpp), for one 32x32x3 image, from the op list alone: no module is built, so all 15625 NB201
// architectures take microseconds. Counting conventions are those of latpred::count_parameters / count_cost.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace latpred_cost {

struct ArchCost {
  int64_t params = 0;        // trainable parameters (weights, biases, BN affine)
  int64_t macs = 0;          // multiply-accumulates of conv and linear layers
  int64_t naslib_flops = 0;  // NASLib's "flops" proxy convention (NetworkCost::naslib_flops)
};

// NB201 macro network: C = 16, N = 5 cells per stage, ops = the 6 edge op ids (0 none .. 4 avg_pool_3x3).
ArchCost nb201_cost(const std::vector<int>& ops, int num_classes = 10);
// HW-NAS-Bench FBNet network for CIFAR inputs, ops = the 22 block ids (0..7 MBConv blocks, 8 skip).
ArchCost fbnet_cost(const std::vector<int>& ops, int num_classes = 10);
// space = "nb201" | "fbnet"; throws std::invalid_argument for any other space, a wrong length or an op id out of
// range.
ArchCost arch_cost(const std::string& space, const std::vector<int>& ops, int num_classes);

}  // namespace latpred_cost
