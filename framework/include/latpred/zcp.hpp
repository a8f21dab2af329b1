// Zero-cost proxies (ZCP) of real networks: the 13 scores NASFLAT uses as a supplementary encoding, computed with
// the standard definitions of NASLib / zero-cost-nas (Abdelfattah et al. 2021) and Zen-NAS (Lin et al. 2021).
//
// No image data set is available offline, so the data-dependent proxies see a fixed-seed synthetic batch: inputs
// ~ N(0, 1) (the scale of normalised CIFAR images), labels uniform over the classes (make_synthetic_batch).
// Data-free proxies (params, flops, synflow, zen) do not depend on it.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"

namespace latpred {

struct ZcpOptions {
  std::vector<std::string> proxies;  // empty = all of zcp_names()
  // Synthetic batch size: 16, as NASFLAT's own FBNet proxies (NASLib's NB201 table used real CIFAR-10 batches).
  // 64 costs ~5x more (grasp's double backward dominates): the full NB201 table would take about a day on 2 cores.
  int batch_size = 16;
  int num_classes = 10;
  int input_size = 32;
  uint64_t seed = 0;  // synthetic batch and weight initialisation (every proxy sees the same initial weights)
};

// The proxies, in NASFLAT's NB201 vector order: epe_nas, fisher, flops, grad_norm, grasp, jacov, l2_norm, nwot,
// params, plain, snip, synflow, zen. Units follow NASLib: params in millions, flops in MFLOPs, synflow as
// log(score) (NASLib stores the log; the raw value overflows float), the others as defined by their papers.
LATPRED_API const std::vector<std::string>& zcp_names();

struct ZcpBatch {
  at::Tensor inputs;   // [batch, 3, size, size] float
  at::Tensor targets;  // [batch] int64 labels in [0, classes)
};
LATPRED_API ZcpBatch make_synthetic_batch(const ZcpOptions& options);

// Scores of one architecture of `space` ("nb201" | "fbnet"); NaN where a proxy is undefined for the network
// (e.g. jacov of an output-disconnected NB201 cell, whose Jacobian is zero). Throws ConfigError for an unknown
// proxy name (listing the known ones).
LATPRED_API std::map<std::string, double> compute_zcp(const std::string& space, const std::vector<int>& ops,
                                                      const ZcpOptions& options, const ZcpBatch& batch);

struct ZcpSummary {
  int64_t computed = 0;
  int64_t skipped = 0;  // already in the output file (resume)
  double seconds = 0.0;
};
// Computes the proxies of `indices` of `dataset` and appends rows "<space>_index,ops,<proxy columns>" to `output`
// (resumable like measure_archs: existing rows are skipped, the header must match). Logs progress with an ETA.
LATPRED_API ZcpSummary compute_zcp_table(const Dataset& dataset, const std::vector<int64_t>& indices,
                                         const ZcpOptions& options, const std::filesystem::path& output);

}  // namespace latpred
